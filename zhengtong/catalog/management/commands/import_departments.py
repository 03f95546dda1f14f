"""
Import departments from a CSV file (order, department, region_code,
dept_codes_seen). Invalid credit codes are flagged, never rejected.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.catalog.importers import SourceUnreadableError, departments_import_file

from ._reporting import write_report


class Command(BaseCommand):
    help = "导入部门名单（CSV），校验统一社会信用代码并标记不合格者。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        try:
            report = departments_import_file(
                options["path"], dry_run=options["dry_run"]
            )
        except SourceUnreadableError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self, report, verbosity=options.get("verbosity", 1))
