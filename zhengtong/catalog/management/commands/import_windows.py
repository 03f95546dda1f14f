"""
Import service windows from a CSV file into one hall per region and
de-duplicated counters (see docs/catalog.md).
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.catalog.importers import SourceUnreadableError, windows_import_file

from ._reporting import write_report


class Command(BaseCommand):
    help = "导入窗口（CSV）：每个区划一个大厅，同一窗口的不同写法合并为一个窗口。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV 文件路径")
        parser.add_argument(
            "--hall-name", default="", help="大厅名称（默认“<区划>政务服务中心”）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        try:
            report = windows_import_file(
                options["path"],
                hall_name=options["hall_name"],
                dry_run=options["dry_run"],
            )
        except SourceUnreadableError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self, report, verbosity=options.get("verbosity", 1))
