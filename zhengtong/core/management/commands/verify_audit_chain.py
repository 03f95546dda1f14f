"""Verify the hash-chained audit log; exit non-zero on the first break."""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.audit import audit_verify, audit_verify_states
from zhengtong.core.audit_checkpoint import checkpoint_state
from zhengtong.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "校验审计事件哈希链（HMAC）、库外检查点（删除的末条、整条链、重算哈希）"
        "与办件状态；发现问题时以非零状态退出并指出第一条。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--stream", help="只校验一条链，如 cases.case:42")
        parser.add_argument(
            "--no-checkpoint", action="store_true", help="不与库外检查点文件比对"
        )

    def handle(self, *args, **options):
        stream = options.get("stream")
        heads = None
        if not options["no_checkpoint"]:
            state = checkpoint_state()
            if state.problems:
                raise CommandError("审计检查点文件损坏：" + state.problems[0])
            heads = state.heads
        problems = audit_verify(stream=stream, checkpoint=heads)
        try:
            first = next(problems, None)
        finally:
            problems.close()  # release the server-side cursor on PostgreSQL
        if first is None and not stream:
            first = next(audit_verify_states(), None)
        if first is not None:
            raise CommandError(
                f"审计链损坏：链 {first.stream} 第 {first.seq} 条"
                f"（事件 id={first.event_id}）：{first.problem}"
            )
        count = AuditEvent.objects.count()
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {count} 条事件。"))
