from django.apps import AppConfig


class QueueingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.queueing"
    verbose_name = "排队叫号"

    def ready(self) -> None:
        from . import signals

        signals.connect()

        from zhengtong.workdays.recompute import calendar_changed

        from .recompute import on_calendar_changed

        calendar_changed.connect(
            on_calendar_changed, dispatch_uid="queueing.appointments", weak=False
        )
