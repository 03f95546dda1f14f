"""
The monthly rating rollup, kept exact: one upsert of deltas per change.

Every change that moves a count (a rating given, an appeal upheld, a
rectification closed) calls ``rollup_add`` in its own transaction, so the
rollup rows commit or roll back with the change.  One statement writes the
rows of all four grains (部门, 窗口, 事项, 人员) of the month; concurrent
writers of the same row wait on its row lock, never lose a delta.

中文：好差评月度预汇总
"""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction

from ..models_ratings import BAD_LEVELS, Rating, RatingRollup, RollupGrain

COUNTS = ("ratings", "satisfied", "dissatisfied", "defaults", "excluded", "rectified")


@dataclass(frozen=True)
class Delta:
    """What one change adds to each count (negative to take away)."""

    ratings: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    defaults: int = 0
    excluded: int = 0
    rectified: int = 0


def rating_counts(rating: Rating) -> Delta:
    """
    Return what ``rating`` adds to the counts when it is given.

    The one definition of the counts (docs/feedback.md "Satisfaction"):
    a default rating (默认评价) counts only in ``defaults``; a rating given by
    a person counts in ``ratings`` and in ``satisfied`` (基本满意 and
    above) or ``dissatisfied`` (差评: 不满意, 非常不满意).

    中文：评价计数口径
    """
    if rating.is_default:
        return Delta(defaults=1)
    bad = rating.level in BAD_LEVELS
    return Delta(ratings=1, satisfied=int(not bad), dissatisfied=int(bad))


def exclusion_counts(rating: Rating) -> Delta:
    """Return the change of an upheld appeal: out of the rates, into ``excluded``."""
    given = rating_counts(rating)
    return Delta(
        ratings=-given.ratings,
        satisfied=-given.satisfied,
        dissatisfied=-given.dissatisfied,
        defaults=-given.defaults,
        excluded=1,
    )


def _keys(rating: Rating) -> list[tuple[str, int]]:
    keys = [(RollupGrain.DEPARTMENT.value, rating.department_id)]
    for grain, key in (
        (RollupGrain.COUNTER, rating.counter_id),
        (RollupGrain.ITEM, rating.item_id),
        (RollupGrain.STAFF, rating.staff_id),
    ):
        if key is not None:
            keys.append((grain.value, key))
    return keys


_SQL: dict[int, str] = {}


def _statement(rows: int) -> str:
    sql = _SQL.get(rows)
    if sql is None:
        table = connection.ops.quote_name(RatingRollup._meta.db_table)
        columns = ("grain", "month", "department_id", "key_id", *COUNTS)
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * rows)
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COUNTS)
        # only the model's own table and column names go into the text
        sql = _SQL[rows] = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (grain, month, department_id, key_id) "
            f"DO UPDATE SET {updates}"
        )
    return sql


def public_token_renew() -> None:
    """
    After the commit, give the public results a new cache token (exactness:
    a page cached before the change is never read again).

    中文：评价结果公开缓存失效
    """
    from ..selectors_public import PUBLIC_VERSION_KEY

    transaction.on_commit(lambda: cache.set(PUBLIC_VERSION_KEY, uuid.uuid4().hex, None))


def rollup_add(*, rating: Rating, delta: Delta) -> None:
    """
    Add ``delta`` to the month's rows of every grain ``rating`` belongs to.

    Call inside the transaction of the change.

    中文：更新月度统计
    """
    _rollup_write(rating, delta)
    public_token_renew()


def _rollup_write(rating: Rating, delta: Delta) -> None:
    """The rollup rows' UPDATE of ``rollup_add``, without the cache renewal."""
    params: list = []
    keys = _keys(rating)
    values = [getattr(delta, c) for c in COUNTS]
    for grain, key in keys:
        params += [grain, rating.month, rating.department_id, key, *values]
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(keys)), params)


def rollup_rebuild() -> int:
    """
    Rebuild the whole rollup from the ratings (repair; a command may call it).

    中文：重算月度统计
    """
    RatingRollup.objects.all().delete()
    public_token_renew()  # once for the whole rebuild, not per rating
    count = 0
    for rating in Rating.objects.all().iterator(chunk_size=2000):
        _rollup_write(rating, rating_counts(rating))
        if rating.excluded:
            _rollup_write(rating, exclusion_counts(rating))
        count += 1
    return count
