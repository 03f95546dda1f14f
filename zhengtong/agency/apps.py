from django.apps import AppConfig


class AgencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.agency"
    verbose_name = "代办帮办与绿色通道"
