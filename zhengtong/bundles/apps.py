from django.apps import AppConfig


class BundlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.bundles"
    verbose_name = "一件事"

    def ready(self) -> None:
        from . import signals

        signals.connect()
