from django.apps import AppConfig


class QueueingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.queueing"
    verbose_name = "排队叫号"

    def ready(self) -> None:
        from . import signals

        signals.connect()
