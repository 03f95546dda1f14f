from django.apps import AppConfig


class FeesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.fees"
    verbose_name = "收费"

    def ready(self) -> None:
        # 收费办结: cases runs this check before every 送达 and 办结
        # (fees imports cases, so the check is registered, not imported there).
        from zhengtong.cases.workflow import conclusion_check_register

        from .settlement import case_settlement_check

        conclusion_check_register(case_settlement_check)
