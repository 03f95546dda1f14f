from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (calendar changes resync the clocks)
