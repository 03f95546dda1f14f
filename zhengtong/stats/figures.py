"""
The glossary of figures (统计指标口径): each figure defined once, here.

Every figure is a function of the summed rollup measures of one group
(a dict with the ``CaseDaily`` / ``TicketDaily`` measure names); the
selectors, the API, the dashboards and the reports call these functions
and never write a formula of their own.  Rates are fractions in [0, 1]
rounded to 4 places (None when the denominator is 0); durations are
rounded to 2 places.  The same definitions are listed in docs/stats.md
and docs/glossary.md.

Which day a case counts on: 收件, 补正 and 网上申请 on the receipt day;
受理 on the acceptance day; 不予受理 on the refusal day; 办结 and
everything measured at the end (按时, 提前, 超期, 暂停, 延期, 即办,
一次办好, 办理时长, 压缩率) on the conclusion day (the decision date for a
decided case: 办结日 is the date on the decision document).
"""

from collections.abc import Mapping
from typing import Any

RATE_PLACES = 4
DAYS_PLACES = 2

# The summed measures of the case rollup (CaseDaily) and the ticket rollup.
CASE_MEASURES = (
    "received",
    "accepted",
    "supplemented",
    "refused",
    "online",
    "concluded",
    "on_time",
    "early",
    "overdue",
    "suspended",
    "extended",
    "instant",
    "one_visit",
    "working_days_sum",
    "working_days_n",
    "compression_sum_bp",
    "compression_n",
)
TICKET_MEASURES = (
    "issued",
    "served",
    "no_show",
    "wait_n",
    "wait_sum_s",
    "service_n",
    "service_sum_s",
)
# Counts shown as they are (the rest of the row is computed below).
CASE_COUNTS = (
    "received",
    "accepted",
    "supplemented",
    "refused",
    "concluded",
    "on_time",
    "early",
    "overdue",
    "suspended",
    "extended",
)
TICKET_COUNTS = ("issued", "served", "no_show")


def _rate(num: int, den: int) -> float | None:
    return round(num / den, RATE_PLACES) if den else None


def completion_rate(m: Mapping[str, int]) -> float | None:
    """
    办结率 = cases concluded / cases accepted, both in the period.

    A case accepted in one period and concluded in the next counts in each
    period's own term, so the rate can pass 1 for a short period.
    """
    return _rate(m["concluded"], m["accepted"])


def on_time_rate(m: Mapping[str, int]) -> float | None:
    """
    按时办结率 = cases concluded on or before the promised due date /
    cases concluded (a case without a due date, e.g. 即办件, is on time).
    """
    return _rate(m["on_time"], m["concluded"])


def early_rate(m: Mapping[str, int]) -> float | None:
    """
    提前办结率 = cases concluded strictly before the promised due date /
    cases concluded (the source documents' 承诺件提前办结率; a 即办件 has no
    due date and is not early).
    """
    return _rate(m["early"], m["concluded"])


def overdue_count(m: Mapping[str, int]) -> int:
    """
    超期件数 = cases concluded after the promised due date (extensions and
    suspensions already move the due date).  Open cases past their date
    are the supervision desk's red lamps, not this figure.
    """
    return m["overdue"]


def avg_working_days(m: Mapping[str, int]) -> float | None:
    """
    平均办理时长 = mean working days from acceptance to conclusion, the
    acceptance day not counted, suspended working days excluded, over the
    concluded cases (the workdays calendar, as the case clocks count).
    """
    n = m["working_days_n"]
    return round(m["working_days_sum"] / n, DAYS_PLACES) if n else None


def compression_rate(m: Mapping[str, int]) -> float | None:
    """
    承诺时限压缩率 (提速) = mean over concluded cases with a statutory limit
    of (1 − promised / statutory); per item it is the item's own rate,
    over a group the case-weighted average.  Each case's term is kept in
    basis points (rounded half up), so sums stay exact integers.
    """
    n = m["compression_n"]
    return round(m["compression_sum_bp"] / n / 10000, RATE_PLACES) if n else None


def compression_bp(promised: int | None, statutory: int | None) -> int | None:
    """One case's 1 − promised/statutory in basis points (None: no limit)."""
    if not statutory or promised is None:
        return None
    return (20000 * (statutory - promised) + statutory) // (2 * statutory)


def instant_share(m: Mapping[str, int]) -> float | None:
    """即办件占比 = 即办件 concluded / cases concluded."""
    return _rate(m["instant"], m["concluded"])


def online_share(m: Mapping[str, int]) -> float | None:
    """网办率 = cases received online or on the mobile app / cases received."""
    return _rate(m["online"], m["received"])


def one_visit_rate(m: Mapping[str, int]) -> float | None:
    """
    一次办好率 = cases concluded without any supplement request (补正) and
    not returned at intake / cases concluded.
    """
    return _rate(m["one_visit"], m["concluded"])


def avg_wait_minutes(m: Mapping[str, int]) -> float | None:
    """平均等候时长 = mean of (first call − arrival) over called tickets, in minutes."""
    n = m["wait_n"]
    return round(m["wait_sum_s"] / n / 60, DAYS_PLACES) if n else None


def avg_service_minutes(m: Mapping[str, int]) -> float | None:
    """平均办理时长（窗口）= mean of (finish − start of service) over finished tickets, minutes."""
    n = m["service_n"]
    return round(m["service_sum_s"] / n / 60, DAYS_PLACES) if n else None


def wait_minute_bucket(seconds: int) -> int:
    """The whole-minute bucket of a wait: ceil(seconds / 60), capped at WAIT_BUCKETS."""
    return min(WAIT_BUCKETS, max(0, -(-seconds // 60)))


WAIT_BUCKETS = 600


def p90_wait_minutes(histogram: Mapping[int, int]) -> int | None:
    """
    等候时长 P90 = the smallest whole minute m such that at least 90 % of
    the called tickets waited at most m minutes (waits rounded up to the
    minute, capped at ``WAIT_BUCKETS``): exact to the minute.
    """
    total = sum(histogram.values())
    if not total:
        return None
    need = -(-9 * total // 10)
    seen = 0
    for minute in sorted(histogram):
        seen += histogram[minute]
        if seen >= need:
            return minute
    return max(histogram)


# 满意率 is defined once by feedback (zhengtong.feedback.selectors.satisfaction_rate);
# selectors.case_figures adds it to the rows of the groups feedback keeps.


def case_row(m: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of one group of summed case measures (the API row)."""
    return {
        **{k: int(m[k]) for k in CASE_COUNTS},
        "on_time_rate": on_time_rate(m),
        "early_rate": early_rate(m),
        "completion_rate": completion_rate(m),
        "avg_working_days": avg_working_days(m),
        "compression_rate": compression_rate(m),
        "instant_share": instant_share(m),
        "online_share": online_share(m),
        "one_visit_rate": one_visit_rate(m),
    }


def ticket_row(m: Mapping[str, Any], histogram: Mapping[int, int]) -> dict[str, Any]:
    """The figures of one group of summed ticket measures."""
    return {
        **{k: int(m[k]) for k in TICKET_COUNTS},
        "avg_wait_minutes": avg_wait_minutes(m),
        "p90_wait_minutes": p90_wait_minutes(histogram),
        "avg_service_minutes": avg_service_minutes(m),
    }
