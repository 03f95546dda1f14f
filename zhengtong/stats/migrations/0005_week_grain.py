"""
The week grain ("w", day = the Monday) of the rollups, and its rows for an
existing database: summed from the kept day rows, so a database upgraded
with data reads ranges and weeks exactly without a ``stats_rebuild``.
"""

from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import TruncWeek

BATCH = 5000


def _week_rows(model):
    if model.objects.filter(grain="w").exists():
        return
    unique = next(
        c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    )
    dims = [f for f in unique.fields if f not in ("grain", "day")]
    measures = [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in ("grain", "day", *dims)
    ]
    rows = (
        model.objects.filter(grain="d")
        .annotate(week=TruncWeek("day"))
        .values("week", *dims)
        .annotate(**{f"s_{m}": Sum(m) for m in measures})
        .order_by()
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        week = row["week"]
        if hasattr(week, "date"):
            week = week.date()
        batch.append(
            model(
                grain="w",
                day=week,
                **{f: row[f] for f in dims},
                **{m: row[f"s_{m}"] or 0 for m in measures},
            )
        )
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def week_rows(apps, schema_editor):
    for name in ("CaseDaily", "TicketDaily"):
        _week_rows(apps.get_model("stats", name))


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0004_rollup_grains"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casedaily",
            name="grain",
            field=models.CharField(
                choices=[("d", "日"), ("w", "周"), ("m", "月")],
                default="d",
                max_length=1,
                verbose_name="粒度",
            ),
        ),
        migrations.AlterField(
            model_name="ticketdaily",
            name="grain",
            field=models.CharField(
                choices=[("d", "日"), ("w", "周"), ("m", "月")],
                default="d",
                max_length=1,
                verbose_name="粒度",
            ),
        ),
        migrations.RunPython(week_rows, migrations.RunPython.noop),
    ]
