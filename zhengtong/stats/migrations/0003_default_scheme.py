"""
The default scoring scheme of the monthly assessment (stats/scheme.py).

The scheme is data a region edits; this only creates it where missing.
"""

from django.db import migrations

from zhengtong.stats.scheme import scheme_seed


def seed(apps, schema_editor):
    scheme_seed(
        apps.get_model("stats", "AssessmentScheme"),
        apps.get_model("stats", "AssessmentIndicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_assessment")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
