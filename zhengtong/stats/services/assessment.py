"""
The monthly assessment (月度效能考核): scoring, ranking, 红旗窗口, 星级, 服务明星.

The rules are data (``AssessmentScheme`` and its indicators, a region's own
scheme or the default: stats/scheme.py); this module only applies them.

**Scoring.** Each of the six star categories starts at its full points
(``category_points``).  Each indicator of a subject's kind adjusts its
category:

- ``on_time_rate``: ``points`` deducted per percentage point below
  ``target`` (a month without concluded cases deducts nothing);
- ``overdue``, ``complaints``, ``bad_ratings``: ``points`` per unit;
- ``cards``: the decided cards' own assessment points (supervision
  ``MeasureKind.assessment_points``) times ``points``;
- ``entries``: the administrator's entries of that category, as entered
  (negative deducts, positive restores), times ``points``.

A deduction is bounded by ``cap``; a category stays within 0 and its full
points.  The score is the sum of the six categories (one decimal).

**Ranking (tie rule).** Higher score first; at an equal score, more cases
concluded on time first; still equal, the subjects share the rank
(1, 2, 2, 4) and are listed by name.

**星级.** 1–5 stars by the scheme's score bands.  **服务明星**: the best
ranked staff with at least ``star_of_month_min_stars`` stars and no
complaint, card or deduction for a bad rating (``star_of_month_count``
places; a tie at the last place names all tied).  **红旗窗口**: elected in
the last month of each period of ``red_flag_period_months`` months
(January–February, March–April … by default): the counters whose average
score over the period is at least ``red_flag_min_score``, that concluded
cases in the period, and whose overdue cases in the period are at most
``red_flag_max_overdue``, the best
``red_flag_count`` by average (then the month's tie rule; a tie at the
last place elects all tied).

中文：月度效能考核
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q

from zhengtong.core.errors import ApplicationError
from zhengtong.supervision.models import MeasureKind
from zhengtong.supervision.services.breaches import breaches_for_month

from ..models_assessment import (
    AssessmentScheme,
    DisciplineEntry,
    IndicatorSource,
    IndicatorSubject,
    StarCategory,
)

ONE = Decimal("0.1")
CATEGORY_LABELS = {c.value: str(c.label) for c in StarCategory}
TIE_RULE = (
    "得分高者在前；得分相同，按时办结件数多者在前；仍相同者并列同一名次，按名称排列。"
)


@dataclass(frozen=True)
class Rule:
    """One indicator of a scheme (plain values)."""

    source: str
    category: str
    subject: str
    points: Decimal
    target: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Scheme:
    """A scoring scheme as plain values (read once per computation)."""

    name: str
    category_points: dict[str, Decimal]
    star_bands: tuple[tuple[Decimal, int], ...]
    rules: tuple[Rule, ...]
    red_flag_count: int = 3
    red_flag_period_months: int = 2
    red_flag_min_score: Decimal = Decimal("90")
    red_flag_max_overdue: int = 0
    star_of_month_count: int = 1
    star_of_month_min_stars: int = 5

    def as_dict(self) -> dict[str, Any]:
        """Return the scheme as published with the results (JSON-ready)."""
        return {
            "name": self.name,
            "categories": [
                {"code": c, "label": CATEGORY_LABELS[c], "points": float(p)}
                for c, p in self.category_points.items()
            ],
            "star_bands": [[float(s), n] for s, n in self.star_bands],
            "red_flag_count": self.red_flag_count,
            "red_flag_period_months": self.red_flag_period_months,
            "red_flag_min_score": float(self.red_flag_min_score),
            "tie_rule": TIE_RULE,
        }


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def scheme_from_row(row: AssessmentScheme) -> Scheme:
    """
    Return the plain scheme of a scheme row and its indicators.

    中文：读取考核方案
    """
    return Scheme(
        name=row.name,
        category_points={
            c.value: _dec(row.category_points.get(c.value, 0)) for c in StarCategory
        },
        star_bands=tuple(
            sorted(((_dec(s), int(n)) for s, n in row.star_bands), reverse=True)
        ),
        rules=tuple(
            Rule(
                source=i.source,
                category=i.category,
                subject=i.subject,
                points=_dec(i.points),
                target=None if i.target is None else _dec(i.target),
                cap=None if i.cap is None else _dec(i.cap),
            )
            for i in row.indicators.all()
        ),
        red_flag_count=row.red_flag_count,
        red_flag_period_months=max(1, row.red_flag_period_months),
        red_flag_min_score=_dec(row.red_flag_min_score),
        red_flag_max_overdue=row.red_flag_max_overdue,
        star_of_month_count=row.star_of_month_count,
        star_of_month_min_stars=row.star_of_month_min_stars,
    )


def scheme_for_region(region_code: str = "") -> Scheme:
    """
    Return the scheme of a region (its own, else the default).

    中文：适用考核方案
    """
    qs = AssessmentScheme.objects.prefetch_related("indicators")
    row = None
    if region_code:
        row = qs.filter(region__code=region_code).first()
    if row is None:
        row = qs.filter(region__isnull=True).first()
    if row is None:
        raise ApplicationError(
            "no_scheme", "尚未设置考核方案，请先在后台设置。", status=409
        )
    return scheme_from_row(row)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{Decimal(str(rate)) * 100:.1f}%"


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(ONE, rounding=ROUND_HALF_UP)}"
    return text[:-2] if text.endswith(".0") else text


def stars_for(score: Decimal, scheme: Scheme) -> int:
    """Return the star level (1–5) of ``score`` under the scheme's bands."""
    for lowest, stars in scheme.star_bands:
        if score >= lowest:
            return max(1, min(5, stars))
    return 1


def _adjustment(rule: Rule, figures: dict[str, Any]) -> tuple[Decimal, str]:
    """Return the signed adjustment of one rule and its reason ("" for none)."""
    label = CATEGORY_LABELS[rule.category]
    if rule.source == IndicatorSource.ON_TIME_RATE:
        rate = figures.get("on_time_rate")
        if rate is None or rule.target is None:
            return Decimal(0), ""
        short = rule.target - Decimal(str(rate)) * 100
        if short <= 0:
            return Decimal(0), ""
        amount = short * rule.points
        reason = (
            f"按时办结率 {_pct(rate)}，低于目标 {_fmt(rule.target)}%，"
            f"扣 {{n}} 分（{label}）"
        )
    elif rule.source in (
        IndicatorSource.OVERDUE,
        IndicatorSource.COMPLAINTS,
        IndicatorSource.BAD_RATINGS,
    ):
        count = int(figures.get(rule.source) or 0)
        if not count:
            return Decimal(0), ""
        amount = count * rule.points
        noun = {
            IndicatorSource.OVERDUE: "超期办结",
            IndicatorSource.COMPLAINTS: "投诉经核实属实",
            IndicatorSource.BAD_RATINGS: "差评",
        }[IndicatorSource(rule.source)]
        reason = f"{noun} {count} 件，扣 {{n}} 分（{label}）"
    elif rule.source == IndicatorSource.CARDS:
        cards = figures.get("cards") or []
        total = sum((_dec(c["points"]) for c in cards), Decimal(0))
        if not total:
            return Decimal(0), ""
        amount = total * rule.points
        names = "、".join(c["measure"] for c in cards)
        reason = f"效能告诫（{names}），扣 {{n}} 分（{label}）"
    else:  # entries of this category
        parts = [
            e for e in figures.get("entries") or [] if e["category"] == rule.category
        ]
        if not parts:
            return Decimal(0), ""
        signed = sum((_dec(e["points"]) for e in parts), Decimal(0)) * rule.points
        texts = "；".join(f"{_fmt(_dec(e['points']))} 分：{e['text']}" for e in parts)
        if rule.cap is not None and -signed > rule.cap:
            signed = -rule.cap
        verb = "加" if signed > 0 else "扣"
        return signed, f"{label}录入事项（{texts}），{verb} {_fmt(abs(signed))} 分"
    if rule.cap is not None:
        amount = min(amount, rule.cap)
    return -amount, reason.replace("{n}", _fmt(amount))


def subject_score(
    *, scheme: Scheme, kind: str, figures: dict[str, Any]
) -> dict[str, Any]:
    """
    Return one subject's categories, score, stars and reasons.

    ``kind`` is ``counter`` or ``staff``; ``figures`` holds ``concluded``,
    ``on_time``, ``overdue``, ``on_time_rate`` (a fraction or None),
    ``complaints``, ``bad_ratings``, ``cards`` (``[{"measure", "points"}]``)
    and ``entries`` (``[{"category", "points", "text"}]``).

    中文：单项考核计分
    """
    categories = dict(scheme.category_points)
    reasons: list[str] = []
    deducted = Decimal(0)
    for rule in scheme.rules:
        if rule.subject not in (IndicatorSubject.BOTH, kind):
            continue
        change, reason = _adjustment(rule, figures)
        if not change:
            continue
        full = scheme.category_points.get(rule.category, Decimal(0))
        before = categories.get(rule.category, Decimal(0))
        categories[rule.category] = max(Decimal(0), min(full, before + change))
        applied = categories[rule.category] - before
        if change < 0:
            deducted += -change
        if applied != change:  # the category's bounds cut it
            reason += f"（该类 0–{_fmt(full)} 分，实计 {_fmt(applied)} 分）"
        reasons.append(reason)
    score = sum(categories.values(), Decimal(0)).quantize(ONE, rounding=ROUND_HALF_UP)
    concluded = int(figures.get("concluded") or 0)
    summary = (
        f"办结 {concluded} 件，按时办结率 {_pct(figures.get('on_time_rate'))}"
        if concluded
        else "本月无办结办件"
    )
    return {
        "score": float(score),
        "stars": stars_for(score, scheme),
        "categories": {c: float(v) for c, v in categories.items()},
        "deducted": float(deducted),
        "reasons": [summary, *(reasons or ["无扣分事项"])],
    }


def _tie_key(row: dict[str, Any]) -> tuple[float, int]:
    return (-row["score"], -int(row["figures"].get("on_time") or 0))


def _natural(name: str) -> tuple:
    """Return a sort key that puts 2 号窗口 before 10 号窗口."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", name)
        if part
    )


def rank_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """
    Order ``rows`` by the tie rule and set ``rank`` (shared on a full tie).

    中文：排名
    """
    rows.sort(key=lambda r: (*_tie_key(r), _natural(r["name"])))
    previous: tuple[float, int] | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        key = _tie_key(row)
        if key != previous:
            rank, previous = position, key
        row["rank"] = rank
    return rows


def _top_places(rows: list[dict[str, Any]], places: int) -> list[dict[str, Any]]:
    """Return the rows ranked within ``places`` (all tied at the last place)."""
    if places <= 0 or not rows:
        return []
    chosen = rows[:places]
    last = chosen[-1]["rank"]
    return [r for r in rows if r["rank"] <= last]


def score_subjects(
    *, scheme: Scheme, kind: str, subjects: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """
    Score and rank subjects (``{"id", "name", "department_ids", "department",
    "figures"}``) of one kind; ``red_flag`` and ``service_star`` start False.

    中文：考核计分与排名
    """
    rows = []
    for subject in subjects:
        result = subject_score(scheme=scheme, kind=kind, figures=subject["figures"])
        rows.append(
            {
                **subject,
                **result,
                "kind": kind,
                "red_flag": False,
                "service_star": False,
            }
        )
    rows = rank_rows(rows)
    if kind == IndicatorSubject.STAFF:
        eligible = [
            r
            for r in rows
            if r["stars"] >= scheme.star_of_month_min_stars
            and int(r["figures"].get("concluded") or 0) > 0
            and not r["figures"].get("complaints")
            and not r["figures"].get("cards")
            and not r["figures"].get("bad_ratings")
        ]
        # ranks among the eligible (the tie rule again)
        ranked = rank_rows([dict(r) for r in eligible])
        names = {r["id"] for r in _top_places(ranked, scheme.star_of_month_count)}
        for row in rows:
            if row["id"] in names:
                row["service_star"] = True
                row["reasons"].append(
                    f"评为本月服务明星：得分 {row['score']}，{row['reasons'][0]}，"
                    "无投诉、差评和效能告诫"
                )
    return rows


def period_months(month: date, scheme: Scheme) -> list[date] | None:
    """
    Return the months of the 红旗 period that ``month`` closes (None: not
    an election month).

    中文：红旗评比周期
    """
    period = scheme.red_flag_period_months
    if month.month % period:
        return None
    return [date(month.year, month.month - k, 1) for k in range(period - 1, -1, -1)]


def red_flags_elect(
    *,
    scheme: Scheme,
    counters: list[dict[str, Any]],
    earlier: list[list[dict[str, Any]]],
) -> None:
    """
    Mark the 红旗窗口 on ``counters`` (this month's ranked rows) given the
    ranked counter rows of the period's earlier months.

    中文：评选红旗窗口
    """
    history: dict[Any, list[dict[str, Any]]] = {}
    for rows in earlier:
        for row in rows:
            history.setdefault(row["id"], []).append(row)
    months = len(earlier) + 1
    candidates = []
    for row in counters:
        past = history.get(row["id"], [])
        scores = [Decimal(str(r["score"])) for r in past] + [Decimal(str(row["score"]))]
        # the average is over the months the counter was assessed in
        average = (sum(scores, Decimal(0)) / len(scores)).quantize(
            ONE, rounding=ROUND_HALF_UP
        )
        overdue = sum(int(r["figures"].get("overdue") or 0) for r in [*past, row])
        concluded = sum(int(r["figures"].get("concluded") or 0) for r in [*past, row])
        if (
            not concluded  # a counter that concluded nothing is not elected
            or average < scheme.red_flag_min_score
            or overdue > scheme.red_flag_max_overdue
        ):
            continue
        candidates.append(
            {
                "id": row["id"],
                "name": row["name"],
                "score": float(average),
                "figures": row["figures"],
                "row": row,
            }
        )
    ranked = rank_rows(candidates)
    for cand in _top_places(ranked, scheme.red_flag_count):
        row = cand["row"]
        row["red_flag"] = True
        row["reasons"].append(
            f"近{months}个月平均 {cand['score']} 分，超期 0 件，评为红旗窗口"
            if not scheme.red_flag_max_overdue
            else f"近{months}个月平均 {cand['score']} 分，评为红旗窗口"
        )


def month_bounds(month: date) -> tuple[date, date]:
    """Return the first and last day of ``month``."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def entries_for_month(month: date) -> list[DisciplineEntry]:
    """Return the month's entries in force (not voided), oldest first."""
    return list(
        DisciplineEntry.objects.filter(
            Q(month=month.replace(day=1)), voided_at__isnull=True
        ).order_by("id")
    )


def cards_for_month(month: date) -> list[dict[str, Any]]:
    """
    Return supervision's decided cards of the month, one row per person,
    counter and department with ``cards``: ``[{"measure", "points"}]``
    (supervision's ``breaches_for_month`` is the one definition).

    中文：月度效能告诫
    """
    rows = breaches_for_month(month)
    names = dict(MeasureKind.objects.values_list("code", "name"))
    for row in rows:
        measures = "、".join(
            f"{names.get(code, code or '未定')}{'×' + str(n) if n > 1 else ''}"
            for code, n in sorted(row["measures"].items())
        )
        row["cards"] = [{"measure": measures, "points": float(row["points"])}]
    return rows
