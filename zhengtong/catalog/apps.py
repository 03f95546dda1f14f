from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.catalog"
    verbose_name = "事项目录"
