"""
Verified complaints and bad ratings per counter or staff member for a month.

The numbers are feedback's own rollups (``feedback.selectors.
rating_rollup_rows``: ``dissatisfied``; ``feedback.selectors_complaints.
complaint_rollup_rows``: ``verified``, complaints found true); this module
only reshapes their rows for the assessment.

中文：投诉与差评计数
"""

from datetime import date
from typing import Any

from zhengtong.feedback.selectors import rating_rollup_rows
from zhengtong.feedback.selectors_complaints import complaint_rollup_rows

from .assessment import month_bounds

# our group → the key column of each source's rows
RATING_KEYS = {"counter": "counter_id", "staff": "staff_id"}
COMPLAINT_KEYS = {"counter": "counter_id", "staff": "person_id"}


def _add(
    out: dict[int, dict[str, int]],
    rows: list[dict[str, Any]],
    key: str,
    column: str,
    ours: str,
) -> None:
    for row in rows:
        ident = row.get(key)
        if not ident:
            continue
        entry = out.setdefault(int(ident), {"bad_ratings": 0, "complaints": 0})
        entry[ours] += int(row.get(column) or 0)


def month_counts(*, month: date, group: str) -> dict[int, dict[str, int]]:
    """
    Return ``{subject id: {"bad_ratings": n, "complaints": n}}`` of ``month``
    for ``group`` ``counter`` or ``staff``.

    中文：月度投诉差评计数
    """
    start, end = month_bounds(month)
    out: dict[int, dict[str, int]] = {}
    _add(
        out,
        rating_rollup_rows(date_from=start, date_to=end, group=group),
        RATING_KEYS[group],
        "dissatisfied",
        "bad_ratings",
    )
    _add(
        out,
        complaint_rollup_rows(date_from=start, date_to=end, group=group),
        COMPLAINT_KEYS[group],
        "verified",
        "complaints",
    )
    return out
