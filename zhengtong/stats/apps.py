from django.apps import AppConfig


class StatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.stats"
    verbose_name = "效能统计与考核"
