"""
The monthly supervision bulletin (督查通报): figures, text, PDF, archive.

For a month and a region (empty: the whole centre) the bulletin counts, per
department:

- **办结** clocks of kind ``case`` (promised limit) closed in the month, and
  **超期办结** those of them closed past due (``Clock.closed_late``);
- **预警** and **超期**: clocks that turned yellow or red in the month, read
  from the sweep's audit events (action ``lamp_changed``, object type
  ``supervision.clock``, details ``{"kind", "from", "to", "department"}``),
  each clock counted once per lamp;
- **督办**: orders issued in the month, replies received, orders accepted
  (办结), and orders still unanswered past their deadline at the month's end;
- **效能告诫**: breaches decided in the month, by measure;
- **异常**: anomaly hits found in the month, by rule.

Every figure is one grouped query (no loop over cases).  A department head
gets the same figures for their own department only (``department_id``).
``bulletin_generate`` renders the PDF (Chinese fonts, core.pdf) and archives
it with the figures in ``Bulletin``; a bulletin generated again for the same
month is a new archived row (the old one is kept, as printed).

中文：督查通报
"""

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhengtong.catalog.models import Department, Region
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.core.pdf import pdf_render

from ..constants import BreachState, ClockKind, ClockState, ErrorCode, Lamp, OrderState
from ..models import (
    AnomalyHit,
    Breach,
    Bulletin,
    Clock,
    OrderReply,
    SupervisionOrder,
)
from .anomalies import rule_label

PDF_TEMPLATE = "supervision/bulletin_pdf.html"
LAMP_EVENT = "lamp_changed"
LAMP_EVENT_OBJECT = "supervision.clock"
DEPARTMENT_COLUMNS = (
    "closed",
    "closed_late",
    "warned",
    "overdue",
    "orders_issued",
    "orders_replied",
    "orders_accepted",
    "orders_overdue",
    "cards",
    "anomalies",
)


def month_parse(text: str | None) -> date:
    """
    Return the first day of the month written ``YYYY-MM``.

    Raises ``invalid_input`` (400) for anything else, and for a month not
    yet begun.

    中文：解析月份
    """
    raw = (text or "").strip()
    try:
        if len(raw) != 7 or raw[4] != "-":
            raise ValueError(raw)
        month = date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "月份格式应为 YYYY-MM，例如 2026-03。"
        ) from None
    if month.year < 2000 or month > timezone.localdate().replace(day=1):
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "只能生成已开始月份的督查通报。"
        )
    return month


def _month_end(month: date) -> date:
    """Return the last day of ``month``."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _moment(day: date) -> datetime:
    """Return local midnight at the start of ``day`` (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _departments(region_code: str, department_id: int | None) -> dict[int, str]:
    """Return the departments of the bulletin (id → name)."""
    qs = Department.objects.all()
    if region_code:
        qs = qs.filter(
            Q(region__code=region_code) | Q(region__parent__code=region_code)
        )
    if department_id is not None:
        qs = qs.filter(pk=department_id)
    return dict(qs.order_by("name").values_list("pk", "name"))


def _scope(field: str, departments: dict[int, str], whole: bool) -> Q:
    """Return the filter of rows of the bulletin's departments."""
    return Q() if whole else Q(**{f"{field}__in": list(departments)})


def _grouped(rows: Any, key: str = "department_id") -> dict[int | None, int]:
    return {r[key]: r["n"] for r in rows}


def _rate(part: int, whole: int) -> str:
    """Return ``part / whole`` as a percentage with one decimal ("—" for 0/0)."""
    if not whole:
        return "—"
    value = Decimal(part * 100) / Decimal(whole)
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def bulletin_figures(
    *,
    month: date,
    region_code: str = "",
    department_id: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """
    Return the figures of the bulletin for ``month`` (JSON-ready).

    ``department_id`` narrows every figure to one department (a department
    head's view); the totals are then that department's.

    中文：督查通报数据
    """
    today = today or timezone.localdate()
    start, end = month, _month_end(month)
    after_end = end + timedelta(days=1)
    departments = _departments(region_code, department_id)
    whole = not region_code and department_id is None

    # 办结与超期办结: promised-limit clocks of cases closed in the month
    closed_qs = Clock.objects.filter(
        _scope("department_id", departments, whole),
        state=ClockState.CLOSED,
        closed_on__gte=start,
        closed_on__lte=end,
        kind=ClockKind.CASE,
    )
    closed = _grouped(closed_qs.values("department_id").annotate(n=Count("id")))
    closed_late = _grouped(
        closed_qs.filter(closed_late=True)
        .values("department_id")
        .annotate(n=Count("id"))
    )

    # 预警与超期: lamp changes written by the sweep in the month
    events = AuditEvent.objects.filter(
        created_at__gte=_moment(start),
        created_at__lt=_moment(after_end),
        action=LAMP_EVENT,
        object_type=LAMP_EVENT_OBJECT,
        to_state__in=[Lamp.YELLOW.value, Lamp.RED.value],
    )
    if not whole:
        events = events.filter(details__department__in=list(departments))
    warned: dict[int | None, int] = defaultdict(int)
    overdue: dict[int | None, int] = defaultdict(int)
    for change in events.values("details__department", "to_state").annotate(
        n=Count("object_id", distinct=True)
    ):
        target = warned if change["to_state"] == Lamp.YELLOW else overdue
        dept = change["details__department"]
        target[int(dept) if dept is not None else None] += change["n"]

    # 督办: issued, replied, accepted in the month; unanswered past due at its end
    orders = SupervisionOrder.objects.filter(
        _scope("department_id", departments, whole)
    )
    issued = _grouped(
        orders.filter(issued_on__gte=start, issued_on__lte=end)
        .values("department_id")
        .annotate(n=Count("id"))
    )
    replied = _grouped(
        OrderReply.objects.filter(
            _scope("order__department_id", departments, whole),
            replied_at__gte=_moment(start),
            replied_at__lt=_moment(after_end),
        )
        .values("order__department_id")
        .annotate(n=Count("id")),
        key="order__department_id",
    )
    accepted = _grouped(
        orders.filter(
            state=OrderState.ACCEPTED,
            closed_at__gte=_moment(start),
            closed_at__lt=_moment(after_end),
        )
        .values("department_id")
        .annotate(n=Count("id"))
    )
    orders_overdue = _grouped(
        orders.filter(
            state__in=(OrderState.OPEN, OrderState.RETURNED),
            due_date__lte=end,
            due_date__lt=today,
        )
        .values("department_id")
        .annotate(n=Count("id"))
    )

    # 效能告诫: breaches decided in the month
    decided = Breach.objects.filter(
        _scope("department_id", departments, whole),
        state=BreachState.DECIDED,
        decided_at__gte=_moment(start),
        decided_at__lt=_moment(after_end),
    )
    cards = _grouped(decided.values("department_id").annotate(n=Count("id")))
    by_measure = [
        {"measure": r["measure__name"] or "未定", "count": r["n"]}
        for r in decided.values("measure__name")
        .annotate(n=Count("id"))
        .order_by("-n", "measure__name")
    ]

    # 异常: anomaly hits found in the month
    hits = AnomalyHit.objects.filter(
        _scope("department_id", departments, whole),
        found_on__gte=start,
        found_on__lte=end,
    )
    anomalies = _grouped(hits.values("department_id").annotate(n=Count("id")))
    by_rule = [
        {"rule": r["rule"], "label": rule_label(r["rule"]), "count": r["n"]}
        for r in hits.values("rule").annotate(n=Count("id")).order_by("-n", "rule")
    ]

    figures_by_column = {
        "closed": closed,
        "closed_late": closed_late,
        "warned": warned,
        "overdue": overdue,
        "orders_issued": issued,
        "orders_replied": replied,
        "orders_accepted": accepted,
        "orders_overdue": orders_overdue,
        "cards": cards,
        "anomalies": anomalies,
    }
    ids: set[int | None] = set(departments)
    if whole:  # the whole centre: also departments not in the table (or none)
        for per_department in figures_by_column.values():
            ids.update(per_department)
    names = dict(departments)
    missing = [i for i in ids if i is not None and i not in names]
    if missing:
        names.update(
            Department.objects.filter(pk__in=missing).values_list("pk", "name")
        )
    rows = []
    for ident in ids:
        row: dict[str, Any] = {
            "department_id": ident,
            "department": names.get(ident, "未指定部门") if ident else "未指定部门",
        }
        for column, values in figures_by_column.items():
            row[column] = int(values.get(ident, 0))
        row["on_time_rate"] = _rate(row["closed"] - row["closed_late"], row["closed"])
        if department_id is None and not any(row[c] for c in DEPARTMENT_COLUMNS):
            continue  # a department with nothing to report is left out
        rows.append(row)
    rows.sort(key=lambda r: (-r["overdue"], -r["closed_late"], r["department"]))
    totals = {c: sum(r[c] for r in rows) for c in DEPARTMENT_COLUMNS}
    totals["on_time_rate"] = _rate(
        totals["closed"] - totals["closed_late"], totals["closed"]
    )
    return {
        "month": f"{month:%Y-%m}",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "region": region_code,
        "department": department_id,
        "totals": totals,
        "departments": rows,
        "cards_by_measure": by_measure,
        "anomalies_by_rule": by_rule,
    }


def bulletin_text(*, figures: dict[str, Any], scope_name: str) -> str:
    """
    Return the short generated text of a bulletin (Chinese, a few sentences).

    中文：通报正文
    """
    t = figures["totals"]
    year, month = figures["month"].split("-")
    parts = [
        f"{int(year)}年{int(month)}月，{scope_name}共办结办件{t['closed']}件，"
        f"其中超期办结{t['closed_late']}件，按期办结率{t['on_time_rate']}。",
        f"电子监察系统发出预警{t['warned']}件、超期{t['overdue']}件。",
        f"签发督办单{t['orders_issued']}份，收到回复{t['orders_replied']}份，"
        f"办结{t['orders_accepted']}份；截至月末逾期未回复{t['orders_overdue']}份。",
    ]
    if figures["cards_by_measure"]:
        measures = "、".join(
            f"{m['measure']}{m['count']}人次" for m in figures["cards_by_measure"]
        )
        parts.append(f"认定效能告诫和责任追究{t['cards']}人次（{measures}）。")
    else:
        parts.append("本月未认定效能告诫和责任追究。")
    parts.append(f"电子监察规则发现异常{t['anomalies']}条。")
    worst = [r for r in figures["departments"] if r["overdue"] or r["closed_late"]][:3]
    if worst:
        names = "、".join(
            f"{r['department']}（超期{r['overdue']}件，超期办结{r['closed_late']}件）"
            for r in worst
        )
        parts.append(f"超期较多的部门：{names}，请对照整改，按时回复督办。")
    else:
        parts.append("本月无超期办件，予以通报表扬。")
    return "".join(parts)


def bulletin_scope_name(
    *, region_code: str = "", department_id: int | None = None
) -> str:
    """Return the name the bulletin is issued for (centre, region or department)."""
    if department_id is not None:
        name = Department.objects.filter(pk=department_id).values_list(
            "name", flat=True
        )
        return name.first() or "本部门"
    if region_code:
        region = Region.objects.filter(code=region_code).values_list("name", flat=True)
        return region.first() or f"区划 {region_code}"
    return str(settings.SITE_NAME)


def bulletin_pdf_render(
    *,
    figures: dict[str, Any],
    text: str,
    scope_name: str,
    issued_on: date,
) -> bytes:
    """
    Return the PDF of a bulletin (A4, Chinese fonts embedded).

    中文：通报 PDF
    """
    year, month = figures["month"].split("-")
    return pdf_render(
        PDF_TEMPLATE,
        {
            "title": f"{int(year)}年{int(month)}月督查通报",
            "issue": f"{year}年第{int(month)}期",
            "scope_name": scope_name,
            "figures": figures,
            "text": text,
            "issued_on": issued_on,
            "site_name": settings.SITE_NAME,
        },
    )


@transaction.atomic
def bulletin_generate(
    *,
    month: date,
    region_code: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> Bulletin:
    """
    Compute, render and archive the bulletin of ``month`` for a region.

    Who may generate it is the caller's door's check (supervisors: the
    desk; the command runs as the system).

    中文：生成督查通报
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    figures = bulletin_figures(month=month, region_code=region_code, today=today)
    scope_name = bulletin_scope_name(region_code=region_code)
    text = bulletin_text(figures=figures, scope_name=scope_name)
    pdf = bulletin_pdf_render(
        figures=figures, text=text, scope_name=scope_name, issued_on=today
    )
    bulletin = Bulletin(
        month=month,
        region_code=region_code,
        figures=figures,
        text=text,
        generated_by=actor if getattr(actor, "pk", None) else None,
    )
    bulletin.full_clean(exclude=["pdf"])
    name = f"bulletin-{month:%Y-%m}-{region_code or 'centre'}-{now:%Y%m%d%H%M%S}.pdf"
    bulletin.pdf.save(name, ContentFile(pdf), save=False)
    bulletin.save()
    audit_record(
        action="bulletin_generated",
        obj=bulletin,
        actor=actor,
        to_state="generated",
        details={"month": figures["month"], "region": region_code, **figures["totals"]},
        new_stream=True,
    )
    return bulletin
