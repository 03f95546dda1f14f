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

``rows_insert`` writes many new rows given as plain tuples (no instances,
no primary keys back): ``COPY`` on PostgreSQL, ``executemany`` elsewhere —
for batch jobs (the audit events and messages of a deadline recompute).
"""

from __future__ import annotations

import functools
import json
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

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
_M = TypeVar("_M", bound=models.Model)


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


@functools.lru_cache(maxsize=256)
def _insert_many_sql(
    model: type[models.Model], using: str, columns: tuple[str, ...], count: int
) -> str:
    """Return the INSERT of ``count`` rows of ``columns`` (RETURNING the keys)."""
    connection = connections[using]
    qn = connection.ops.quote_name
    meta = model._meta
    row = "({})".format(", ".join(["%s"] * len(columns)))
    # Only quoted names of our own model go into the text; values are bound.
    return "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(  # noqa: S608
        qn(meta.db_table),
        ", ".join(qn(c) for c in columns),
        ", ".join([row] * count),
        qn(meta.pk.column),
    )


def row_insert_many(objs: list[_M], *, using: str = "default") -> list[_M]:
    """
    Insert new instances of one model with one statement and set their keys.

    One object is ``row_insert`` (its short, prepared text). Several are one
    multi-row ``INSERT … RETURNING`` of the columns any of them fills (a
    nullable column left out of one row is sent as NULL there: what leaving
    it out stores); the keys come back in the order of the rows, as
    ``bulk_create`` relies on. Where the database cannot return them, one
    ``row_insert`` each.

    中文：批量快速插入（返回主键）
    """
    if len(objs) <= 1:
        for obj in objs:
            row_insert(obj, using=using)
        return objs
    connection = connections[using]
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise ValueError("row_insert_many: objects of one model only")
    if not connection.features.can_return_rows_from_bulk_insert:
        for obj in objs:
            row_insert(obj, using=using)
        return objs
    fields, as_is, may_omit, auto_times = _insert_plan(model, using)
    values: list[list[Any]] = []
    for obj in objs:
        for field in auto_times:
            field.pre_save(obj, add=True)
        values.append([getattr(obj, field.attname) for field in fields])
    keep = [
        index
        for index, omit in enumerate(may_omit)
        if not omit or any(row[index] is not None for row in values)
    ]
    params: list[Any] = []
    for row in values:
        for index in keep:
            value = row[index]
            if not (as_is[index] and isinstance(value, _AS_IS_TYPES)):
                value = fields[index].get_db_prep_save(value, connection)
            params.append(value)
    columns = tuple(fields[index].column for index in keep)
    sql = _insert_many_sql(model, using, columns, len(objs))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, keys, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return objs


@functools.cache
def _rows_plan(
    model: type[models.Model], using: str, columns: tuple[str, ...]
) -> tuple[tuple[models.Field, ...], tuple[models.Field, ...]]:
    """Return (the fields named, in order; the other fields the INSERT must fill)."""
    meta = model._meta
    named = tuple(meta.get_field(name) for name in columns)
    given = {f.attname for f in named}
    rest = tuple(
        f
        for f in meta.concrete_fields
        if not f.primary_key
        and f.attname not in given
        and (
            getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or f.has_default()
            or not f.null
        )
    )
    return named, rest


def rows_insert(
    model: type[models.Model],
    columns: tuple[str, ...] | list[str],
    rows: list[tuple[Any, ...]] | list[list[Any]],
    *,
    using: str = "default",
) -> int:
    """
    Insert many new rows given as plain tuples, without model instances.

    ``columns`` are field names (``attname`` for foreign keys: ``user_id``);
    each row holds their values in that order.  A JSON field takes its JSON
    *text* (the caller encodes it once).  Fields not named are filled once
    per call: ``auto_now``/``auto_now_add`` with the current time, others
    with their default as ``save()`` would (a text field without one: "");
    a nullable field without a default is left NULL.
    No primary keys are returned and no model signals are sent.

    PostgreSQL: one ``COPY … FROM STDIN`` (psycopg formats the rows in C);
    elsewhere one ``executemany`` of the INSERT, values prepared by their
    fields (dates and times as ``save()`` stores them).

    中文：批量快速插入（无模型实例）
    """
    if not rows:
        return 0
    connection = connections[using]
    named, rest = _rows_plan(model, using, tuple(columns))
    now = timezone.now()
    extra = []
    for f in rest:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            extra.append(now)
        elif isinstance(f, models.JSONField):
            extra.append(json.dumps(f.get_default(), ensure_ascii=False))
        else:
            extra.append(f.get_default())
    fields = (*named, *rest)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(f.column) for f in fields)
    if connection.vendor == "postgresql":
        # Only quoted names of our own model go into the text.
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            if extra:
                for row in rows:
                    write((*row, *extra))
            else:
                for row in rows:
                    write(row)
        return len(rows)
    # JSON arrives as text; plain columns go as they are; dates and times
    # are prepared by their field, as save() stores them.
    prepare = [
        None if isinstance(f, (models.JSONField, *_AS_IS_FIELDS)) else f for f in fields
    ]

    def prepared(row: tuple[Any, ...]) -> list[Any]:
        return [
            v if p is None or v is None else p.get_db_prep_save(v, connection)
            for p, v in zip(prepare, (*row, *extra), strict=True)
        ]

    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names are ours
        table, names, ", ".join(["%s"] * len(fields))
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepared(row) for row in rows])
    return len(rows)
