"""
Import service items from a JSON Lines file or the .xlsx template.

    manage.py import_catalog PATH [--publish] [--effective-from YYYY-MM-DD]
                             [--strict-departments] [--dry-run]

Exit status 0 when the file was read (even with flagged or rejected rows);
non-zero with a Chinese message when it cannot be read.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.catalog.importers import SourceUnreadableError, catalog_import_file

from ._reporting import parse_date, write_report


class Command(BaseCommand):
    help = "导入事项目录（JSON Lines 或 Excel 导入模板），按实施编码新增或更新。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="文件路径（.jsonl 或 .xlsx）")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="把新建或变更的版本直接发布（默认保存为草稿）",
        )
        parser.add_argument(
            "--effective-from",
            dest="effective_from",
            help="发布版本的生效日期 YYYY-MM-DD（默认今天）",
        )
        parser.add_argument(
            "--strict-departments",
            action="store_true",
            help="部门不在名单中时拒收该行（默认自动新建部门并标记）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        effective_from = parse_date(options.get("effective_from"))
        if effective_from and not options["publish"]:
            raise CommandError("--effective-from 需与 --publish 一起使用。")
        verbosity = options.get("verbosity", 1)

        def progress(done: int, total: int) -> None:
            if total >= 200 and verbosity >= 1:
                self.stdout.write(f"已处理 {done}/{total} 行（{done * 100 // total}%）")

        try:
            report = catalog_import_file(
                options["path"],
                publish=options["publish"],
                effective_from=effective_from,
                dry_run=options["dry_run"],
                create_departments=not options["strict_departments"],
                progress=progress,
            )
        except SourceUnreadableError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self, report, verbosity=verbosity)
