"""
Lean database helpers for the hottest write paths.

``Model.save()`` on a wide new row spends most of its time compiling the
INSERT (quoting every column, running every field's preparation through the
SQL compiler). ``row_insert`` writes the same row with one plain
``INSERT … RETURNING id`` whose text is built once per model, backend and
set of columns (NULLs of nullable columns are left to the database);
values that are already what the database driver takes (text, integers,
booleans, NULL, foreign-key ids) are passed as they are, every other value
goes through the field's own ``get_db_prep_save``, exactly as ``save()``
would do. No model signals are sent: use it only for models without
``pre_save``/``post_save`` receivers (the tests of each caller compare the
stored row with one written by ``save()``).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connections, models
from django.db.models.fields import NOT_PROVIDED

_AS_IS_FIELDS = (
    models.CharField,  # also EmailField, SlugField, URLField
    models.TextField,
    models.IntegerField,  # also the positive, small and big variants
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)
_AS_IS_TYPES = (str, int, bool, type(None))


@functools.cache
def _insert_plan(model: type[models.Model], using: str) -> tuple:
    """Return (fields, as_is flags, may-omit flags, auto-time fields) of ``model``."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    as_is = tuple(
        isinstance(f, _AS_IS_FIELDS) and not isinstance(f, models.JSONField)
        for f in fields
    )
    # A nullable column without a database default is NULL when left out of
    # the INSERT, so a None there need not be sent (JSON null is a value).
    may_omit = tuple(
        f.null and f.db_default is NOT_PROVIDED and not isinstance(f, models.JSONField)
        for f in fields
    )
    auto_times = tuple(
        f
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )
    return fields, as_is, may_omit, auto_times


@functools.lru_cache(maxsize=512)
def _insert_sql(
    model: type[models.Model],
    using: str,
    columns: tuple[str, ...],
    conflict: tuple[str, ...] = (),
) -> str:
    """
    Return the INSERT of ``columns`` into ``model``'s table (RETURNING the key).

    Rows of one kind leave the same columns out, so there are few texts and
    each is parsed once: by psycopg's statement cache (which skips texts with
    more than 50 parameters: the widest row, a new case, sends fewer) and,
    prepared, by PostgreSQL.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    meta = model._meta
    returning = connection.features.can_return_columns_from_insert
    on_conflict = (
        " ON CONFLICT ({}) DO NOTHING".format(", ".join(qn(c) for c in conflict))
        if conflict
        else ""
    )
    # Only quoted names of our own model go into the text; values are bound.
    return "INSERT INTO {} ({}) VALUES ({}){}{}".format(  # noqa: S608
        qn(meta.db_table),
        ", ".join(qn(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
        on_conflict,
        f" RETURNING {qn(meta.pk.column)}" if returning else "",
    )


def row_insert(
    obj: models.Model,
    *,
    using: str = "default",
    unless_taken: tuple[str, ...] = (),
) -> models.Model | None:
    """
    Insert the new instance ``obj`` with one statement and set its primary key.

    ``auto_now``/``auto_now_add`` fields are stamped as ``save()`` does;
    every other value is taken from the instance as it stands.

    ``unless_taken`` names the columns of a unique constraint: when a row
    with the same values exists, nothing is written and None is returned
    (``ON CONFLICT … DO NOTHING``), without aborting the transaction.

    中文：快速插入一行
    """
    connection = connections[using]
    fields, as_is, may_omit, auto_times = _insert_plan(type(obj), using)
    for field in auto_times:
        field.pre_save(obj, add=True)
    columns: list[str] = []
    params: list[Any] = []
    for field, plain, omit in zip(fields, as_is, may_omit, strict=True):
        value = getattr(obj, field.attname)
        if value is None and omit:
            continue
        if not (plain and isinstance(value, _AS_IS_TYPES)):
            value = field.get_db_prep_save(value, connection)
        columns.append(field.column)
        params.append(value)
    sql = _insert_sql(type(obj), using, tuple(columns), unless_taken)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            row = cursor.fetchone()
            if row is None:
                return None
            pk = row[0]
        else:
            if cursor.rowcount == 0:
                return None
            pk = cursor.lastrowid
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return obj
