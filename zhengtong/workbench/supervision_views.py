"""
The supervision desk (监察台) in the staff workbench.

For 监察人员 and 中心管理员 (the whole centre) and 部门负责人 (their own
department): counts of open clocks by lamp per department and per counter
(a stacked bar and the table behind it), the list behind every count with
filters, open supervision orders, breaches to decide, anomaly hits, the
monthly bulletins, and a button that runs the sweep now.  Every list can be
downloaded as an Excel workbook (``?export=xlsx``).  Everyone else gets
403.  What a user sees comes from ``zhengtong.supervision.selectors``
(scoped by ``supervision.permissions``); the pages hold no rules.

The staff's own warnings (预警消息) are shown on the workbench home
(``_alerts.html``) and marked read here (``AlertReadView``).

中文：监察台
"""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.supervision import permissions, selectors
from zhengtong.supervision.constants import ClockKind, Lamp
from zhengtong.supervision.models import Bulletin
from zhengtong.supervision.services.alerts import alerts_mark_read
from zhengtong.supervision.services.anomalies import anomaly_resolve
from zhengtong.supervision.services.bulletin import bulletin_generate, month_parse
from zhengtong.supervision.services.sweep import supervision_sweep

from .supervision_exports import Column, xlsx_response
from .supervision_rows import (
    ANOMALY_COLUMNS,
    BREACH_COLUMNS,
    CLOCK_COLUMNS,
    COUNT_COLUMNS,
    KIND_LABELS,
    LAMP_LABELS,
    ORDER_COLUMNS,
    anomaly_row,
    breach_row,
    clock_row,
    order_row,
)
from .views import StaffRequiredMixin

TEMPLATES = "workbench/supervision/"
PAGE_SIZE = 50
COUNT_LIMIT = 10_000  # a list's total is counted up to this ("10000+")
PREVIEW = 8  # rows of each list shown on the desk itself


class SupervisionRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; anyone who may not supervise gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not permissions.can_view_desk(request.user):
            return render(request, TEMPLATES + "desk_forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)


def _base_context(request: HttpRequest, section: str) -> dict[str, Any]:
    user = request.user
    department = permissions.supervision_scope(user)
    return {
        "wb_section": "supervision",
        "desk_section": section,
        "centre_wide": department is None,
        "scope_name": (
            "全中心" if department is None else getattr(user.department, "name", "")
        ),
        "may_sweep": permissions.is_supervisor(user),
        "may_resolve": permissions.is_supervisor(user),
    }


# -- the desk -------------------------------------------------------------


def _count_links(rows: list[dict[str, Any]], param: str) -> None:
    """Give each count row the URLs of its lists (per lamp and in all)."""
    base = reverse("workbench:supervision-clocks")
    for row in rows:
        ident = row["id"] if row["id"] is not None else 0
        row["links"] = {
            lamp: f"{base}?{urlencode({param: ident, 'lamp': lamp})}"
            for lamp in Lamp.values
        }
        row["links"]["total"] = f"{base}?{urlencode({param: ident})}"


class SupervisionDeskView(SupervisionRequiredMixin, View):
    """Counts at a glance, then the open orders, cards and anomaly hits."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        departments, counters = selectors.clock_counts_for_desk(user=user)
        export = request.GET.get("export")
        if export == "departments":
            return xlsx_response(
                title="各部门亮灯统计",
                filename="supervision-departments",
                columns=COUNT_COLUMNS,
                rows=departments,
            )
        if export == "counters":
            return xlsx_response(
                title="各窗口亮灯统计",
                filename="supervision-counters",
                columns=COUNT_COLUMNS,
                rows=counters,
            )
        _count_links(departments, "department")
        _count_links(counters, "counter")
        chart = {
            "names": [r["name"] for r in departments[:20]],
            "series": [
                {
                    "lamp": lamp,
                    "label": str(LAMP_LABELS[lamp]),
                    "data": [r[lamp] for r in departments[:20]],
                }
                for lamp in (Lamp.RED, Lamp.YELLOW, Lamp.GREEN)
            ],
            "links": [r["links"] for r in departments[:20]],
        }
        context = _base_context(request, "desk")
        context.update(
            {
                "departments": departments,
                "counters": counters,
                "totals": selectors.lamp_totals(departments),
                "chart": chart,
                "summary": selectors.desk_summary(user=user),
                "orders": [
                    order_row(o) for o in selectors.order_list_open(user=user)[:PREVIEW]
                ],
                "breaches": [
                    breach_row(b)
                    for b in selectors.breach_list_to_decide(user=user)[:PREVIEW]
                ],
                "anomalies": [
                    anomaly_row(a)
                    for a in selectors.anomaly_list_open(user=user)[:PREVIEW]
                ],
            }
        )
        return render(request, TEMPLATES + "desk.html", context)


class SupervisionSweepView(SupervisionRequiredMixin, View):
    """「立即扫描」: run the sweep now (supervisors and centre administrators)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.is_supervisor(request.user):
            messages.error(request, "只有监察人员或中心管理员可以发起扫描。")
            return redirect("workbench:supervision-desk")
        summary = supervision_sweep()
        messages.success(
            request,
            "扫描完成：在办时钟 {clocks} 个，亮灯变化 {changed} 个"
            "（转黄灯 {yellow}、转红灯 {red}），自动拟督办单 {orders_drafted} 份。".format(
                **summary
            ),
        )
        return redirect("workbench:supervision-desk")


# -- the clock lists --------------------------------------------------------


def _filter_labels(filters: selectors.ClockFilters, user: Any) -> list[str]:
    """Return the filters in words (for the title and the export)."""
    labels = []
    if filters.lamp:
        labels.append(str(LAMP_LABELS[filters.lamp]))
    if filters.kind:
        labels.append(str(KIND_LABELS[filters.kind]))
    if filters.department is not None:
        names = dict(selectors.department_choices(user=user))
        labels.append(names.get(filters.department, "未指定部门"))
    if filters.counter is not None:
        names = dict(selectors.counter_choices(user=user))
        labels.append(names.get(filters.counter, "未指定窗口"))
    if filters.owner is not None:
        labels.append(f"责任人 #{filters.owner}")
    if filters.due_from or filters.due_to:
        labels.append(f"截止 {filters.due_from or '…'} 至 {filters.due_to or '…'}")
    if filters.provisional is not None:
        labels.append("期限推定" if filters.provisional else "期限确定")
    return labels


class SupervisionClockListView(SupervisionRequiredMixin, View):
    """The open clocks behind a count, with filters; Excel export."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        context = _base_context(request, "clocks")
        context.update(
            {
                "departments": selectors.department_choices(user=user),
                "counters": selectors.counter_choices(user=user),
                "kinds": ClockKind.choices,
                "lamps": Lamp.choices,
            }
        )
        try:
            filters = selectors.clock_filters_parse(request.GET)
            after = _after(request.GET.get("after"))
        except ApplicationError as exc:
            context.update({"error": exc.message, "rows": [], "params": request.GET})
            return render(request, TEMPLATES + "desk_clocks.html", context, status=400)
        labels = _filter_labels(filters, user)
        if request.GET.get("export") == "xlsx":
            rows = (
                clock_row(r)
                for r in selectors.clock_list_for_user(user=user, filters=filters)
                .values(*selectors.CLOCK_LIST_COLUMNS)
                .iterator(chunk_size=2000)
            )
            return xlsx_response(
                title="在办时限清单",
                filename="supervision-clocks",
                columns=CLOCK_COLUMNS,
                rows=rows,
                note="筛选：" + ("、".join(labels) or "全部"),
            )
        rows, next_key = selectors.clock_page_for_user(
            user=user, filters=filters, after=after, size=PAGE_SIZE
        )
        query = filters.query()
        context.update(
            {
                "filters": filters,
                "params": query,
                "labels": labels,
                "rows": [clock_row(r) for r in rows],
                "total": selectors.clock_count_for_user(
                    user=user, filters=filters, limit=COUNT_LIMIT
                ),
                "count_limit": COUNT_LIMIT,
                "paged": after is not None,
                "first_url": "?" + urlencode(query),
                "next_url": (
                    "?" + urlencode({**query, "after": f"{next_key[0]}.{next_key[1]}"})
                    if next_key
                    else None
                ),
                "export_url": "?" + urlencode({**query, "export": "xlsx"}),
            }
        )
        return render(request, TEMPLATES + "desk_clocks.html", context)


def _after(raw: str | None) -> tuple[date, int] | None:
    """Read the keyset cursor ``YYYY-MM-DD.id`` (None: the first page)."""
    if not raw:
        return None
    day, _, ident = raw.partition(".")
    try:
        return date.fromisoformat(day), int(ident)
    except ValueError:
        raise ApplicationError("invalid_input", "分页参数有误。") from None


# -- orders, cards, anomalies -----------------------------------------------


class _DeskListView(SupervisionRequiredMixin, View):
    """One of the desk's lists: 100 a page (by id), Excel export of all."""

    section = ""
    title = ""
    filename = ""
    template = ""
    columns: tuple[Column, ...] = ()

    def rows(self, user: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def row(self, obj: Any) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = self.rows(request.user)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                title=self.title,
                filename=self.filename,
                columns=self.columns,
                rows=(self.row(o) for o in qs.iterator(chunk_size=2000)),
            )
        page = request.GET.get("page") or "1"
        number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
        objects = list(qs[(number - 1) * 100 : number * 100 + 1])
        context = _base_context(request, self.section)
        context.update(
            {
                "title": self.title,
                "rows": [self.row(o) for o in objects[:100]],
                "total": qs.count(),
                "page": number,
                "next_page": number + 1 if len(objects) > 100 else None,
            }
        )
        return render(request, TEMPLATES + self.template, context)


class SupervisionOrderListView(_DeskListView):
    """Open supervision orders (督办单) of the user's scope."""

    section, title, filename = "orders", "未办结督办单", "supervision-orders"
    template, columns = "desk_orders.html", ORDER_COLUMNS

    def rows(self, user: Any) -> Any:
        return selectors.order_list_open(user=user)

    def row(self, obj: Any) -> dict[str, Any]:
        return order_row(obj)


class SupervisionBreachListView(_DeskListView):
    """Breaches proposed and waiting for a decision (待认定效能告诫)."""

    section, title, filename = "breaches", "待认定效能告诫", "supervision-breaches"
    template, columns = "desk_breaches.html", BREACH_COLUMNS

    def rows(self, user: Any) -> Any:
        return selectors.breach_list_to_decide(user=user)

    def row(self, obj: Any) -> dict[str, Any]:
        return breach_row(obj)


class SupervisionAnomalyListView(_DeskListView):
    """Unresolved anomaly hits (电子监察异常)."""

    section, title, filename = "anomalies", "电子监察异常", "supervision-anomalies"
    template, columns = "desk_anomalies.html", ANOMALY_COLUMNS

    def rows(self, user: Any) -> Any:
        return selectors.anomaly_list_open(user=user)

    def row(self, obj: Any) -> dict[str, Any]:
        return anomaly_row(obj)


class SupervisionAnomalyResolveView(SupervisionRequiredMixin, View):
    """Close an anomaly hit with what was found and done (监察人员)."""

    def post(self, request: HttpRequest, hit_id: int) -> HttpResponse:
        hit = selectors.anomaly_list_open(user=request.user).filter(pk=hit_id).first()
        if hit is None:
            raise Http404("异常不存在或已处理。")
        try:
            anomaly_resolve(
                hit=hit, actor=request.user, note=request.POST.get("note", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已记录核实处理情况，该异常移出待处理清单。")
        return redirect("workbench:supervision-anomalies")


# -- bulletins ----------------------------------------------------------------


class SupervisionBulletinView(SupervisionRequiredMixin, View):
    """The archived monthly bulletins; generate one (supervisors)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.is_supervisor(request.user):
            messages.error(request, "督查通报由监察人员或中心管理员生成。")
            return redirect("workbench:supervision-bulletins")

        region = (request.POST.get("region") or "").strip()
        try:
            if region and (not region.isdigit() or len(region) > 12):
                raise ApplicationError("invalid_input", "区划代码须为数字。")
            bulletin = bulletin_generate(
                month=month_parse(request.POST.get("month")),
                region_code=region,
                actor=request.user,
            )
        except ApplicationError as exc:
            return self._render(request, error=exc.message, status=400)
        messages.success(request, f"已生成并归档{bulletin}。")
        return redirect("workbench:supervision-bulletins")

    def _render(
        self, request: HttpRequest, *, error: str = "", status: int = 200
    ) -> HttpResponse:
        user = request.user
        last = timezone.localdate().replace(day=1)
        previous = (last - timedelta(days=1)).replace(day=1)
        context = _base_context(request, "bulletins")
        context.update(
            {
                "error": error,
                "month": request.POST.get("month") or f"{previous:%Y-%m}",
                "max_month": f"{last:%Y-%m}",
                "bulletins": (
                    list(Bulletin.objects.select_related("generated_by")[:36])
                    if permissions.is_supervisor(user)
                    else []
                ),
                "api_url": reverse("supervision-bulletin"),
            }
        )
        return render(
            request, TEMPLATES + "desk_bulletins.html", context, status=status
        )


class SupervisionBulletinPdfView(SupervisionRequiredMixin, View):
    """The archived PDF of a bulletin (supervisors; a department head uses the API)."""

    def get(self, request: HttpRequest, bulletin_id: int) -> HttpResponse:
        if not permissions.is_supervisor(request.user):
            raise Http404
        bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
        if bulletin is None or not bulletin.pdf:
            raise Http404
        return FileResponse(
            bulletin.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"督查通报-{bulletin.month:%Y-%m}.pdf",
        )


# -- the staff's own warnings ---------------------------------------------


class AlertReadView(StaffRequiredMixin, View):
    """Mark the user's own warnings read (one, or all)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.POST.get("all"):
            ids = [
                a.pk for a in selectors.alert_list_unread(user=user, limit=10_000)[0]
            ]
        else:
            ids = [int(i) for i in request.POST.getlist("alert") if i.isdigit()]
        done = alerts_mark_read(user=user, alert_ids=ids, now=timezone.now())
        if done:
            messages.success(request, f"已将 {done} 条预警标为已读。")
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            target = reverse("workbench:home")
        return redirect(target)
