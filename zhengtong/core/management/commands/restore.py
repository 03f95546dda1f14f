"""Restore a backup made by `manage.py backup` into this (fresh) instance."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.backup import backup_restore
from zhengtong.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "把 `manage.py backup` 的备份恢复到本实例：先按清单校验每个文件，"
        "数据库已有数据时拒绝（--force 覆盖），恢复后校验审计链。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="备份目录")
        parser.add_argument(
            "--force", action="store_true", help="覆盖已有数据的数据库与检查点文件"
        )

    def handle(self, *args, **options):
        try:
            result = backup_restore(
                source=Path(options["source"]), force=options["force"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"已恢复：{result.files} 个文件（上传文件 {result.media_files} 个"
            f"{'，含审计检查点' if result.checkpoints else ''}）。"
        )
        # the migrations of this code base on the restored data, then the chain
        call_command("migrate", verbosity=0)
        call_command("verify_audit_chain", stdout=self.stdout)
