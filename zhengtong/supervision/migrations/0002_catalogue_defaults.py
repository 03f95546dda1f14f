"""
Default catalogue: the six systems' breaches, the measures and the default policy.

All of it is data a region changes in the admin (the source documents give no
rule for 黄牌/红牌 and no warning threshold: seed-rules.md C).
"""

from django.db import migrations

from zhengtong.supervision.catalogue import catalogue_seed


def seed(apps, schema_editor):
    catalogue_seed(
        apps.get_model("supervision", "MeasureKind"),
        apps.get_model("supervision", "BreachKind"),
        apps.get_model("supervision", "SupervisionPolicy"),
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
