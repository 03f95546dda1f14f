"""
Demo data of stats: the rollups rebuilt from the demo's cases and tickets,
so the statistics pages and the public disclosure show figures.
Idempotent: a rebuild gives the same rollups every time.
"""

from typing import Any


def seed(*, password: str, stdout: Any) -> None:
    """Rebuild the statistics from the demo's events (统计汇总)."""
    from .services.rollup import stats_rebuild

    done = stats_rebuild()
    stdout.write(
        "统计汇总：" + "，".join(f"{name} {n} 条" for name, n in done.items()) + "\n"
    )
    from .demo_assessment import seed as assessment_seed

    assessment_seed(stdout=stdout)  # 月度考核签发与效能通报
