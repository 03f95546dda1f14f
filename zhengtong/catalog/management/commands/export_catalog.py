"""Export the whole catalogue to an .xlsx file (the import template layout)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengtong.catalog.exporters import catalog_export_xlsx, catalog_template_xlsx
from zhengtong.catalog.models import ServiceItem


class Command(BaseCommand):
    help = "导出全部事项为 Excel（与导入模板格式相同）；--template 只生成空模板。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件路径（.xlsx）")
        parser.add_argument("--template", action="store_true", help="只生成导入模板")

    def handle(self, *args, **options):
        path = Path(options["path"])
        data = catalog_template_xlsx() if options["template"] else catalog_export_xlsx()
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror or exc}") from exc
        what = (
            "导入模板"
            if options["template"]
            else f"{ServiceItem.objects.count()} 个事项"
        )
        self.stdout.write(self.style.SUCCESS(f"已导出{what}到 {path}"))
