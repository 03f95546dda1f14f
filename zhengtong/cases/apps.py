from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "zhengtong.cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from zhengtong.accounts.services import staff_absence_changed

        from . import documents_joint  # noqa: F401  (the 联办件 notice kinds)

        def on_absence(sender, user, is_absent, actor=None, **kwargs):
            """Hand an absent person's open steps to the B岗 at once."""
            if is_absent:
                from .services import case_step_reassign_for_absent
                from .services.joint_steps import branch_steps_reassign_for_absent

                case_step_reassign_for_absent(user=user, actor=actor)
                branch_steps_reassign_for_absent(user=user)  # 联办分支环节

        staff_absence_changed.connect(
            on_absence, dispatch_uid="cases.staff_absence_reassign", weak=False
        )
        from zhengtong.workdays.recompute import calendar_changed

        from .recompute import on_calendar_changed

        calendar_changed.connect(
            on_calendar_changed, dispatch_uid="cases.deadlines_recompute", weak=False
        )
