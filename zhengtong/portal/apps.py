from django.apps import AppConfig


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.portal"
    verbose_name = "公众门户"
