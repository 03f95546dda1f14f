"""Create the role groups (申请人, 窗口人员, 审批人员, 中心管理员, 监察人员)."""

from django.core.management.base import BaseCommand

from zhengtong.accounts.constants import ROLE_GROUP_NAMES
from zhengtong.accounts.services import roles_bootstrap


class Command(BaseCommand):
    help = "创建角色组；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将创建的角色")

    def handle(self, *args, **options):
        if options["dry_run"]:
            from django.contrib.auth.models import Group

            existing = set(Group.objects.values_list("name", flat=True))
            missing = [n for n in ROLE_GROUP_NAMES.values() if n not in existing]
            self.stdout.write("将创建：" + ("、".join(missing) if missing else "无"))
            return
        created = roles_bootstrap()
        self.stdout.write(
            self.style.SUCCESS(
                "角色组已就绪" + (f"，新建：{'、'.join(created)}" if created else "。")
            )
        )
