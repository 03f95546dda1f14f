"""Back up the embedded default: SQLite (online backup API), media, checkpoints."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.backup import backup_create
from zhengtong.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "备份内置默认配置：SQLite 数据库（在线备份，站点可照常写入）、上传文件与"
        "审计检查点，附带各文件 SHA-256 清单（manifest.json）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="备份目录（不存在或为空）")

    def handle(self, *args, **options):
        try:
            manifest = backup_create(out=Path(options["out"]))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        size = sum(f["size"] for f in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {options['out']}：{len(manifest['files'])} 个文件，"
                f"共 {size} 字节。"
            )
        )
