from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.feedback"
    verbose_name = "群众评价与投诉"
