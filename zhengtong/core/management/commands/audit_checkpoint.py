"""Append one signed checkpoint of the audit chains (the worker does it hourly)."""

from django.core.management.base import BaseCommand

from zhengtong.core.audit_checkpoint import audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "把各审计链的条数与末条哈希追加到库外签名检查点文件（AUDIT_CHECKPOINT_FILE）。"
    )

    def handle(self, *args, **options):
        result = audit_checkpoint_write()
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入第 {result['lines']} 个检查点：{result['streams']} 条链有更新。"
            )
        )
