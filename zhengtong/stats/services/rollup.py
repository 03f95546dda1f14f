"""
The rollup runs: incremental from the audit events, and the rebuild.

``facts_apply`` is the one place a rollup changes: for a batch of object
ids it reads the old facts, recomputes the new ones from the objects'
rows, subtracts the old contributions, adds the new ones (one ``INSERT …
ON CONFLICT … DO UPDATE SET m = m + excluded.m`` per chunk) and replaces
the fact rows, all in the caller's transaction.  Re-running it on the
same ids changes nothing, so events may be read twice and in any order.

``stats_refresh`` (the huey job, every minute) reads the events after each
source's cursor, minus an overlap (a transaction that took a lower event
id may commit after a higher one was read); ``stats_rebuild`` truncates
and recomputes every object (or, with ``from_day``, the rollup rows from
that day on).  Both hold the source's cursor row locked, so two runs of
one source never interleave (PostgreSQL; SQLite has one writer anyway).

中文：统计汇总（增量、重建）
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Sum

from zhengtong.core.db import rows_insert
from zhengtong.core.models import AuditEvent

from ..models_facts import StatsCursor
from .facts import FactSource, Key, sources

OVERLAP_EVENTS = 1000
EVENT_CHUNK = 20000
ID_BATCH = 5000
REBUILD_BATCH = 20000
FLUSH_KEYS = 100000
MERGE_WORK_MEM = "256MB"

Deltas = dict[Key, dict[str, int]]


def _add(
    deltas: Deltas, contributions: Iterable[tuple[Key, dict[str, int]]], sign: int
) -> None:
    for key, measures in contributions:
        acc = deltas.get(key)
        if acc is None:  # a new key: one dict built at C speed
            deltas[key] = {n: sign * v for n, v in measures.items() if v}
            continue
        for name, value in measures.items():
            if value:
                acc[name] = acc.get(name, 0) + sign * value


def rollup_upsert(source: FactSource, deltas: Deltas, *, merge: bool = True) -> int:
    """
    Add ``deltas`` (day key → measure increments) to the source's rollup
    rows, each at three grains: the day's row, its week's row (Monday) and
    its month's row.  A row whose measures all come to 0 is deleted.

    PostgreSQL: the rows go by ``COPY`` into a temporary staging table,
    then one ``INSERT … SELECT … GROUP BY … ON CONFLICT`` adds them
    (``rollup_merge``); ``merge=False`` leaves them staged for a later
    ``rollup_merge`` in the same transaction (a rebuild merges once).
    SQLite: one ``executemany`` of the upsert.

    中文：汇总增量写入
    """
    grained: Deltas = {}
    for key, measures in deltas.items():
        if not any(measures.values()):
            continue
        day = key[0]
        for gkey in (
            ("d", *key),
            ("w", day - timedelta(days=day.weekday()), *key[1:]),  # Monday's week
            ("m", day.replace(day=1), *key[1:]),
        ):
            acc = grained.get(gkey)
            if acc is None:
                grained[gkey] = dict(measures)
                continue
            for name, value in measures.items():
                acc[name] = acc.get(name, 0) + value
    items = [(k, v) for k, v in grained.items() if any(v.values())]
    if not items:
        return 0
    names = source.measures
    # a measure not in the dict is None (NULL): summed as 0 below
    rows = [(*key, *map(measures.get, names)) for key, measures in items]
    if connection.vendor == "postgresql":
        with transaction.atomic():  # the staging table lives until the commit
            _stage_write(source, rows)
            if merge:
                rollup_merge(source)
        return len(items)
    k = len(source.key_fields)
    rows = [(*row[:k], *(v or 0 for v in row[k:])) for row in rows]
    _stage, table, keys, values = _names(source)
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in values)
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} ({', '.join([*keys, *values])}) "  # noqa: S608 (names from the model)
            f"VALUES ({', '.join(['%s'] * len(rows[0]))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
            rows,
        )
        gone = [row[:k] for row in rows if any(v < 0 for v in row[k:])]
        if gone:
            match = " AND ".join(f"{c} = %s" for c in keys)
            zero = " AND ".join(f"{m} = 0" for m in values)
            cur.executemany(
                f"DELETE FROM {table} WHERE {match} AND {zero}",  # noqa: S608 (names from the model)
                gone,
            )
    return len(items)


def _names(source: FactSource) -> tuple[str, str, list[str], list[str]]:
    """Quoted names: the staging table, the rollup table, its key and measure columns."""
    qn = connection.ops.quote_name
    table = source.rollup_model._meta.db_table
    return (
        qn(f"{table}_stage"),
        qn(table),
        [qn(c) for c in source.key_fields],
        [qn(m) for m in source.measures],
    )


def _stage_write(source: FactSource, rows: list[tuple[Any, ...]]) -> None:
    """
    COPY rows into the source's staging table: a temporary table dropped at
    commit (so a long-lived connection never keeps an old column list).
    """
    stage, table, keys, measures = _names(source)
    cols = ", ".join([*keys, *measures])
    with connection.cursor() as cur:
        cur.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP "  # noqa: S608 (names from the model)
            f"AS SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cur.cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)


def rollup_merge(source: FactSource, *, empty: bool = False) -> None:
    """
    Add the staged rows to the rollup (PostgreSQL): one ``INSERT … SELECT …
    GROUP BY … ON CONFLICT DO UPDATE``, in key order (the unique index is
    then written left to right), then delete the rows a negative increment
    brought to all zeros, and empty the stage.  ``empty``: the rollup table
    was truncated in this transaction (a full rebuild), so the rows are
    plainly inserted.  A no-op elsewhere.

    中文：汇总合并
    """
    if connection.vendor != "postgresql":
        return
    stage, table, keys, measures = _names(source)
    key_list = ", ".join(keys)
    sums = ", ".join(f"coalesce(sum({m}), 0)" for m in measures)
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    match = " AND ".join(f"t.{c} = s.{c}" for c in keys)
    zero = " AND ".join(f"t.{m} = 0" for m in measures)
    negative = " OR ".join(f"s.{m} < 0" for m in measures)
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", [f"pg_temp.{stage}"])
        if cur.fetchone()[0] is None:
            return  # nothing was staged
        # the grouping and sort of a rebuild's stage fit in memory
        cur.execute("SHOW work_mem")
        work_mem = cur.fetchone()[0]
        cur.execute("SELECT set_config('work_mem', %s, true)", [MERGE_WORK_MEM])
        cur.execute(
            f"INSERT INTO {table} ({key_list}, {', '.join(measures)}) "  # noqa: S608 (names from the model)
            f"SELECT {key_list}, {sums} FROM {stage} GROUP BY {key_list} "
            f"ORDER BY {key_list}"
            + ("" if empty else f" ON CONFLICT ({key_list}) DO UPDATE SET {updates}")
        )
        if not empty:
            cur.execute(
                f"DELETE FROM {table} t USING {stage} s "  # noqa: S608 (names from the model)
                f"WHERE ({negative}) AND {match} AND {zero}"
            )
        cur.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
        cur.execute(f"TRUNCATE {stage}")


def facts_apply(
    source: FactSource,
    ids: list[int],
    *,
    deltas: Deltas | None = None,
    from_day: date | None = None,
    old_known_empty: bool = False,
    prefetched: Any = None,
) -> Deltas:
    """
    Recompute the facts of ``ids`` and move their contributions old → new.

    With ``deltas`` given, the increments are added there for the caller
    to write (a rebuild sums many batches first); otherwise they are
    written now.  ``from_day``: the rollup rows from that day on were
    emptied by the caller, so old contributions there are not subtracted.
    ``prefetched``: what the source's ``prefetch()`` read once for a rebuild.

    中文：重算事实并更新汇总
    """
    own = deltas is None
    out: Deltas = {} if deltas is None else deltas
    model = source.fact_model
    pk = source.pk_name
    fields = source.fact_fields
    if not old_known_empty:
        old = model._default_manager.filter(**{f"{pk}__in": ids}).values(pk, *fields)
        for row in old:
            parts = source.contributions(row)
            if from_day is not None:
                parts = [p for p in parts if p[0][0] < from_day]
            _add(out, parts, -1)
        model._default_manager.filter(**{f"{pk}__in": ids}).delete()
    new = source.compute(ids, prefetched)
    for fact in new.values():
        _add(out, source.contributions(fact), +1)
    rows_insert(
        model,
        [pk, *fields],
        [(obj_id, *(fact[f] for f in fields)) for obj_id, fact in new.items()],
    )
    if own:
        rollup_upsert(source, out)
    return out


def _cursor_locked(source: FactSource) -> StatsCursor:
    StatsCursor.objects.get_or_create(source=source.name)
    return StatsCursor.objects.select_for_update().get(source=source.name)


def _newest_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def source_refresh(source: FactSource, *, upto: int | None = None) -> int:
    """
    Fold the events after the source's cursor into its facts and rollup.

    Events are read in chunks of ``EVENT_CHUNK`` ids, one transaction per
    chunk (the cursor moves with it, so a stopped run resumes).  Returns
    the number of objects recomputed.

    中文：增量汇总
    """
    newest = _newest_event_id() if upto is None else upto
    StatsCursor.objects.get_or_create(source=source.name)
    done = 0
    first = True
    while True:
        with transaction.atomic():
            cursor = _cursor_locked(source)
            if cursor.last_event_id >= newest and not first:
                break
            start = (
                max(0, cursor.last_event_id - OVERLAP_EVENTS)
                if first
                else cursor.last_event_id
            )
            end = min(newest, start + EVENT_CHUNK)
            pairs = AuditEvent.objects.filter(
                pk__gt=start, pk__lte=end, object_type__in=source.object_types
            ).values_list("object_type", "object_id")
            ids = sorted(source.ids_for_events(pairs))
            deltas: Deltas = {}
            for i in range(0, len(ids), ID_BATCH):
                facts_apply(source, ids[i : i + ID_BATCH], deltas=deltas)
            rollup_upsert(source, deltas)
            done += len(ids)
            StatsCursor.objects.filter(pk=cursor.pk).update(
                last_event_id=max(end, cursor.last_event_id)
            )
        first = False
        if end >= newest:
            break
    return done


def stats_refresh() -> dict[str, int]:
    """
    Bring every source up to the newest event (the huey job, every minute).

    中文：统计增量刷新
    """
    upto = _newest_event_id()
    return {source.name: source_refresh(source, upto=upto) for source in sources()}


def _truncate(model: type[models.Model]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"TRUNCATE {table}")
        else:
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 (name from the model)


def _week_restart(source: FactSource, from_day: date) -> None:
    """
    The week row of the week holding ``from_day`` starts before it (unless
    a Monday) and held days after it: rewritten from the kept day rows
    before ``from_day``, so the deltas and the new contributions land on
    exactly what the days before hold (selectors.grain_filter reads it).
    """
    monday = from_day - timedelta(days=from_day.weekday())
    if monday == from_day:
        return
    manager = source.rollup_model._default_manager
    manager.filter(grain="w", day=monday).delete()
    dims = [f for f in source.key_fields if f not in ("grain", "day")]
    sums = {f"s_{m}": Sum(m) for m in source.measures}
    rows = (
        manager.filter(grain="d", day__gte=monday, day__lt=from_day)
        .values(*dims)
        .annotate(**sums)
        .order_by()
    )
    manager.bulk_create(
        source.rollup_model(
            grain="w",
            day=monday,
            **{f: row[f] for f in dims},
            **{m: row[f"s_{m}"] or 0 for m in source.measures},
        )
        for row in rows
        if any(row[f"s_{m}"] for m in source.measures)
    )


def source_rebuild(source: FactSource, *, from_day: date | None = None) -> int:
    """
    Recompute a source's facts and rollup from its objects.

    Without ``from_day`` everything is emptied and recomputed; with it the
    rollup rows from the first day of its month on are emptied and the objects that may
    touch them (``ids_query``) recomputed, the days before moved by their
    exact deltas.  One transaction: readers see the old figures until the
    new ones are complete (on PostgreSQL a full rebuild's TRUNCATE makes
    them wait instead).  The cursor is set to the newest event seen
    before the objects were read, so the next refresh re-reads whatever
    happened during the rebuild.

    中文：重建汇总
    """
    if from_day is not None:
        from_day = from_day.replace(day=1)  # month rows hold whole months
    with transaction.atomic():
        cursor = _cursor_locked(source)
        newest = _newest_event_id()
        if from_day is None:
            _truncate(source.fact_model)
            _truncate(source.rollup_model)
        else:
            source.rollup_model._default_manager.filter(day__gte=from_day).delete()
            _week_restart(source, from_day)
        # one scan of every event pays off for a full rebuild only; a
        # rebuild from a day visits recent objects, looked up per batch
        prefetched = source.prefetch() if source.prefetch and from_day is None else None
        deltas: Deltas = {}
        done = 0
        last = 0
        query = source.ids_query(from_day).order_by("pk")
        while True:
            ids = list(query.filter(pk__gt=last)[:REBUILD_BATCH])
            if not ids:
                break
            last = ids[-1]
            facts_apply(
                source,
                ids,
                deltas=deltas,
                from_day=from_day,
                old_known_empty=from_day is None,
                prefetched=prefetched,
            )
            done += len(ids)
            if len(deltas) >= FLUSH_KEYS:
                rollup_upsert(source, deltas, merge=False)
                deltas = {}
        rollup_upsert(source, deltas, merge=False)
        rollup_merge(source, empty=from_day is None)
        StatsCursor.objects.filter(pk=cursor.pk).update(last_event_id=newest)
    return done


def stats_rebuild(*, from_day: date | None = None) -> dict[str, int]:
    """
    Rebuild every source (``manage.py stats_rebuild [--from DATE]``).

    中文：统计重建
    """
    return {
        source.name: source_rebuild(source, from_day=from_day) for source in sources()
    }
