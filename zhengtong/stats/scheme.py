"""
The default scoring scheme of the monthly assessment (月度效能考核), as data.

The source documents name the categories and the cadence (seed-rules.md F:
six star categories, five star levels, 红旗 every two months, 服务明星
monthly) but give **no points**: every number below is this project's
proposal, stored in ``AssessmentScheme`` / ``AssessmentIndicator`` rows that
a region edits in the admin (a region's own scheme replaces the default).

``scheme_seed`` takes the model classes, so the data migration (historical
models), the demo and the test worlds share this one definition.
Idempotent: an existing default scheme is left as edited.

中文：默认考核方案
"""

from typing import Any

DEFAULT_NAME = "默认月度效能考核方案"

# Each category's full points (sum 100).
CATEGORY_POINTS = {
    "political": 10,
    "skill": 15,
    "efficiency": 30,
    "discipline": 15,
    "service": 15,
    "integrity": 15,
}

# The lowest total score of each star level, highest first.
STAR_BANDS = [[95, 5], [85, 4], [75, 3], [60, 2], [0, 1]]

INDICATORS = [
    # source, category, subject, points per unit, target %, cap
    ("on_time_rate", "efficiency", "both", "0.5", "100", "20"),
    ("overdue", "efficiency", "both", "2", None, "10"),
    ("complaints", "integrity", "both", "5", None, "15"),
    ("bad_ratings", "service", "both", "1", None, "10"),
    ("cards", "discipline", "both", "1", None, "15"),
    # what events cannot measure: entered by an administrator with evidence
    ("entries", "political", "both", "1", None, None),
    ("entries", "skill", "both", "1", None, None),
    ("entries", "efficiency", "both", "1", None, None),
    ("entries", "discipline", "both", "1", None, None),
    ("entries", "service", "both", "1", None, None),
    ("entries", "integrity", "both", "1", None, None),
]

SCHEME_FIELDS = {
    "category_points": CATEGORY_POINTS,
    "star_bands": STAR_BANDS,
    "red_flag_count": 3,
    "red_flag_period_months": 2,
    "red_flag_min_score": 90,
    "red_flag_max_overdue": 0,
    "star_of_month_count": 1,
    "star_of_month_min_stars": 5,
}


def scheme_seed(Scheme: Any, Indicator: Any) -> Any:  # noqa: N803
    """Create the default scheme (no region) with its indicators where missing."""
    scheme = Scheme.objects.filter(region__isnull=True).first()
    if scheme is not None:
        return scheme
    scheme = Scheme.objects.create(name=DEFAULT_NAME, **SCHEME_FIELDS)
    for position, (source, category, subject, points, target, cap) in enumerate(
        INDICATORS
    ):
        Indicator.objects.create(
            scheme=scheme,
            source=source,
            category=category,
            subject=subject,
            points=points,
            target=target,
            cap=cap,
            position=position,
        )
    return scheme
