from django.apps import AppConfig


class DemoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.demo"
    verbose_name = "演示数据"
