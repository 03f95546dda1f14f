"""
``manage.py stats_rebuild [--from YYYY-MM-DD]``: rebuild the statistics
rollups from the cases' and tickets' own rows (the same code as the
incremental run), all of them or the days from ``--from`` on.

中文：重建统计汇总
"""

from datetime import date
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengtong.stats.services.rollup import stats_rebuild


class Command(BaseCommand):
    help = "重建效能统计汇总（全部，或自 --from 日期起）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="from_day", help="起始日期 YYYY-MM-DD")

    def handle(self, *args, from_day: str | None = None, **options) -> None:
        day = None
        if from_day:
            try:
                day = date.fromisoformat(from_day)
            except ValueError:
                raise CommandError(
                    "--from 日期格式不正确，请使用 YYYY-MM-DD。"
                ) from None
        started = perf_counter()
        done = stats_rebuild(from_day=day)
        took = perf_counter() - started
        parts = "，".join(f"{name} {n} 条" for name, n in done.items())
        self.stdout.write(f"统计汇总已重建（{parts}），用时 {took:.1f} 秒。")
