"""
Demo data of stats: cases, tickets and ratings in the two months the demo
signs off (``demo_history``), then the rollups rebuilt from the demo's
cases and tickets, so the statistics pages, the assessment and the public
disclosure show figures.
Idempotent: a rebuild gives the same rollups every time.
"""

from typing import Any


def seed(*, password: str, stdout: Any) -> None:
    """Rebuild the statistics from the demo's events (统计汇总)."""
    from django.utils import timezone

    from .demo_assessment import _month_before
    from .demo_history import history_seed
    from .services.rollup import stats_rebuild

    last = _month_before(timezone.localdate().replace(day=1))
    stdout.write(history_seed(months=[_month_before(last), last]) + "\n")
    done = stats_rebuild()
    stdout.write(
        "统计汇总：" + "，".join(f"{name} {n} 条" for name, n in done.items()) + "\n"
    )
    from .demo_assessment import seed as assessment_seed

    assessment_seed(stdout=stdout)  # 月度考核签发与效能通报
