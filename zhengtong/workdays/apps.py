from typing import Any

from django.apps import AppConfig


def _ensure_official_calendar(
    sender: AppConfig, *, using: str = "default", apps: Any = None, **kwargs: Any
) -> None:
    """
    Load the shipped 2024-2026 notices into a completely empty calendar.

    The data migration does this on a fresh install; ``flush`` (used by
    transactional tests) empties the tables again and then sends
    ``post_migrate``, so without this the calendar would be gone.  Tables
    that hold any row are left alone.
    """
    from django.db import connections
    from django.utils import timezone

    from . import official

    if apps is None:  # pragma: no cover
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        day_model = apps.get_model("workdays", "CalendarDay")
        year_model = apps.get_model("workdays", "CalendarYear")
    except LookupError:  # migrations not applied up to the models yet
        return
    tables = connections[using].introspection.table_names()
    if year_model._meta.db_table not in tables:
        return
    if year_model.objects.using(using).exists():
        return
    if day_model.objects.using(using).exists():
        return
    now = timezone.now()
    for year, notice in official.NOTICES.items():
        day_model.objects.using(using).bulk_create(
            day_model(date=day, kind=kind, name=name, source_notice=notice.source)
            for day, kind, name in official.official_days(year)
        )
        year_model.objects.using(using).create(
            year=year,
            source="official",
            source_notice=notice.source,
            source_url=notice.url,
            loaded_at=now,
            note="随代码发布（数据表为空时自动载入）",
        )
    from .selectors import calendar_cache_clear

    calendar_cache_clear()


class WorkdaysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .models import CalendarDay, CalendarYear
        from .selectors import calendar_mark_changed

        def _changed(sender: type, **kwargs: object) -> None:
            calendar_mark_changed()

        for model in (CalendarDay, CalendarYear):
            post_save.connect(_changed, sender=model, weak=False)
            post_delete.connect(_changed, sender=model, weak=False)
        post_migrate.connect(_ensure_official_calendar, sender=self)
