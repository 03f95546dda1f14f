"""Verify the hash-chained audit log; exit non-zero on the first break."""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.audit import audit_verify
from zhengtong.core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计事件哈希链；发现被修改或删除的记录时以非零状态退出并指出第一条。"

    def add_arguments(self, parser):
        parser.add_argument("--stream", help="只校验一条链，如 cases.case:42")

    def handle(self, *args, **options):
        problems = audit_verify(stream=options.get("stream"))
        try:
            first = next(problems, None)
        finally:
            problems.close()  # release the server-side cursor on PostgreSQL
        if first is not None:
            raise CommandError(
                f"审计链损坏：链 {first.stream} 第 {first.seq} 条"
                f"（事件 id={first.event_id}）：{first.problem}"
            )
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {count} 条事件。"))
