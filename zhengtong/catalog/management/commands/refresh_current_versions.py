"""Point every item at the version in force today (run daily)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from zhengtong.catalog.services import items_refresh_current


class Command(BaseCommand):
    help = "按生效日期刷新全部事项的当前版本（建议每日运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入")

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = items_refresh_current()
            if options["dry_run"]:
                transaction.set_rollback(True)
        self.stdout.write(self.style.SUCCESS(f"当前版本有变化的事项：{changed} 个。"))
