"""Seed the complaint categories and the 纪检监察 group (feedback/catalogue.py)."""

from django.db import migrations

from zhengtong.feedback.catalogue import catalogue_seed, discipline_group_seed


def seed(apps, schema_editor):
    catalogue_seed(apps.get_model("feedback", "ComplaintCategory"))
    discipline_group_seed(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_complaints_first_questions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
