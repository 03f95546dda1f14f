"""
The statistics pages of the workbench (效能统计): the dashboard with its
charts, tables and Excel exports, and the leader's screen (大屏).

Staff with a department see their own department; supervisors and the
centre administrator the whole centre (``stats.permissions``).  Everyone
else gets 403.  The numbers come from ``stats_dashboard`` (the stats
selectors); these views hold no rule.

中文：效能统计页面
"""

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.stats.permissions import can_view_stats, stats_scope
from zhengtong.stats.selectors_assessment import (
    assessment_latest_signed,
    assessment_public,
)

from .stats_dashboard import (
    PERIODS,
    TABLES,
    chart_data,
    dashboard_tables,
    filter_choices,
    filters_parse,
    period_bounds,
)
from .supervision_exports import xlsx_response

TEMPLATES = "workbench/stats/"


class StatsRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; who may not see statistics gets 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_view_stats(request.user):
            return render(request, TEMPLATES + "forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)


def scope_name(user: Any) -> str:
    """Return what the user's statistics cover (全中心 or the department)."""
    department = stats_scope(user)
    if department is None:
        return "全中心"
    return user.department.name if user.department else "本部门"


def base_context(request: HttpRequest, section: str) -> dict[str, Any]:
    """Return what every statistics page shows (tabs, scope)."""
    return {
        "wb_section": "stats",
        "stats_section": section,
        "scope_name": scope_name(request.user),
    }


class StatsDashboardView(StatsRequiredMixin, View):
    """The statistics page: filters, four charts, their tables, exports."""

    def get(self, request: HttpRequest) -> HttpResponse:
        context = base_context(request, "dashboard")
        try:
            filters = filters_parse(request.GET, today=timezone.localdate())
            tables = dashboard_tables(user=request.user, filters=filters)
        except ApplicationError as error:
            context |= {
                "error": error.message,
                "choices": filter_choices(user=request.user),
                "periods": PERIODS,
            }
            return render(
                request, TEMPLATES + "dashboard.html", context, status=error.status
            )
        export = request.GET.get("export")
        if export in TABLES:
            title, columns = TABLES[export]
            rows = tables[export] or []
            return xlsx_response(
                title=f"{title}（{filters.label}）",
                filename=f"stats-{export}",
                columns=columns,
                rows=rows,
                note=context["scope_name"],
            )
        context |= {
            "filters": filters,
            "query": filters.query(),
            "choices": filter_choices(user=request.user),
            "periods": PERIODS,
            "tables": tables,
            "chart": chart_data(tables),
        }
        return render(request, TEMPLATES + "dashboard.html", context)


def screen_data(user: Any) -> dict[str, Any]:
    """Return what the leader's screen shows: this month, today, the honours."""
    today = timezone.localdate()
    start, end = period_bounds("month", today)
    filters = filters_parse({"period": "month", "date": today.isoformat()}, today=today)
    tables = dashboard_tables(user=user, filters=filters)
    month_totals = tables["totals"] or {}
    day = filters_parse({"period": "day", "date": today.isoformat()}, today=today)
    today_tables = dashboard_tables(user=user, filters=day)
    signed = assessment_latest_signed()
    honours = assessment_public(month=signed) if signed else None
    department = stats_scope(user)
    if honours and department is not None:
        honours = None  # the centre's honours are on the centre's screen
    return {
        "updated": timezone.localtime().strftime("%H:%M:%S"),
        "month": f"{start:%Y年%m月}",
        "figures": {
            "today_received": (today_tables["totals"] or {}).get("received", 0),
            "today_concluded": (today_tables["totals"] or {}).get("concluded", 0),
            "month_received": month_totals.get("received", 0),
            "month_concluded": month_totals.get("concluded", 0),
            "on_time_rate": month_totals.get("on_time_rate"),
            "online_share": month_totals.get("online_share"),
            "avg_wait": (tables["queue"] or {}).get("avg_wait_minutes"),
            "red": (tables["lamp_totals"] or {}).get("red"),
        },
        "chart": chart_data(tables),
        "honours": honours,
        "period_end": end.isoformat(),
    }


class StatsScreenView(StatsRequiredMixin, View):
    """The leader's screen (大屏, 1920×1080), refreshing itself every minute."""

    def get(self, request: HttpRequest) -> HttpResponse:
        context = base_context(request, "screen")
        context["screen"] = screen_data(request.user)
        return render(request, TEMPLATES + "screen.html", context)


class StatsScreenDataView(StatsRequiredMixin, View):
    """The screen's data as JSON (what its script fetches to refresh)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = JsonResponse(screen_data(request.user))
        response["Cache-Control"] = "no-store"
        return response
