"""Race-safe sequences for case numbers and notice numbers."""

import secrets

from django.db import IntegrityError, connection, transaction

from .models import CaseSequence

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def sequence_next(*, scope: str, year: int, count: int = 1) -> int:
    """
    Return the next value of (scope, year) inside the current transaction;
    with ``count`` > 1, reserve that many consecutive values and return the
    last (the first is ``last - count + 1``).

    One ``UPDATE … RETURNING`` takes the row lock until commit, so
    concurrent callers queue and each gets distinct values; the row is
    created on first use (a unique constraint settles a creation race).

    中文：取下一个序号（可一次取连续多个）
    """
    if count < 1:
        raise ValueError("sequence_next: count must be at least 1")
    table = CaseSequence._meta.db_table
    sql = (
        f"UPDATE {table} SET last = last + %s "  # noqa: S608 - table name is ours
        "WHERE scope = %s AND year = %s RETURNING last"
    )
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, scope, year])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                CaseSequence.objects.create(scope=scope, year=year, last=count)
            return count
        except IntegrityError:
            continue  # created by someone else meanwhile; update it
    raise RuntimeError("could not allocate a sequence number")


def case_number_format(*, region_code: str, year: int, seq: int) -> str:
    """Return a case number such as ``511602-2026-000123``."""
    return f"{region_code[:6]}-{year}-{seq:06d}"


def query_code_new(length: int = 6) -> str:
    """Return a random public query code (查询码)."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(length))
