from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.feedback"
    verbose_name = "群众评价与投诉"

    def ready(self) -> None:
        from zhengtong.supervision.services.sync import clock_source_register

        from .services.rectification_clocks import SOURCE as RECTIFICATION_CLOCKS

        clock_source_register(RECTIFICATION_CLOCKS)  # 差评整改 on the desk

        from .services.complaints_clocks import SOURCES as COMPLAINT_CLOCKS

        for source in COMPLAINT_CLOCKS:  # 投诉拟办、答复，首问转交确认
            clock_source_register(source)
