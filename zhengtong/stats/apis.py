"""
/api/v1/stats/…: the figures of cases and tickets (效能统计).

``GET /api/v1/stats/cases/?from=YYYY-MM-DD&to=YYYY-MM-DD&group=department|
item|counter|staff|month|week|day|channel|none`` (or ``period=…&date=…``;
filters ``department``, ``counter``, ``item``, ``region``, ``channel``) →
``{"from", "to", "group", "results": [{"key", "label", "received",
"accepted", "concluded", "on_time", "early", "overdue", "on_time_rate",
"early_rate", "avg_working_days", …}]}``; ``/tickets/`` the same for the
queue (``issued, served, no_show, avg_wait_minutes, p90_wait_minutes,
avg_service_minutes``) and ``/waiting-by-hour/``.  Supervisors and centre
administrators see the centre, other staff their own department, anyone
else 403.  Every figure is defined once in ``figures.py``.
"""

from typing import Any

from django.urls import path

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .selectors_params import figure_params_parse, group_parse

PARAMETERS = [
    OpenApiParameter("from", str, description="开始日期 YYYY-MM-DD"),
    OpenApiParameter("to", str, description="结束日期 YYYY-MM-DD"),
    OpenApiParameter(
        "period", str, enum=["day", "week", "month", "quarter", "year", "custom"]
    ),
    OpenApiParameter("date", str, description="周期内任一天，默认今天"),
    OpenApiParameter("department", int),
    OpenApiParameter("counter", int),
    OpenApiParameter("item", int),
    OpenApiParameter("region", int),
    OpenApiParameter("channel", str),
]
ERRORS = (
    "错误码：invalid_date、invalid_period、period_too_long、invalid_group、"
    "invalid_input（400）；not_permitted（403）。"
)


def _answer(params: Any, group: str, rows: list[dict[str, Any]]) -> Response:
    return Response(
        {
            "from": params["date_from"].isoformat(),
            "to": params["date_to"].isoformat(),
            "group": group,
            "results": rows,
        }
    )


class CaseFiguresApi(APIView):
    """Case figures by group."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="办件效能统计（办结率、按时办结率、提前办结率、平均办理时长等）",
        description="按部门、事项、窗口、人员、月份等分组的办件指标。" + ERRORS,
        parameters=[
            *PARAMETERS,
            OpenApiParameter("group", str, enum=list(selectors.GROUPS)),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        params = figure_params_parse(request.query_params)
        group = group_parse(request.query_params)
        rows = selectors.case_figures(user=request.user, group=group, **params)
        return _answer(params, group, rows)


class TicketFiguresApi(APIView):
    """Queue figures by group."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="排队叫号统计（取号、办理、过号、平均与 P90 等候时长）",
        description="按部门、窗口、人员、日期、时段等分组的排队指标。" + ERRORS,
        parameters=[
            *PARAMETERS,
            OpenApiParameter("group", str, enum=list(selectors.TICKET_GROUPS)),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        params = figure_params_parse(request.query_params)
        group = group_parse(request.query_params)
        rows = selectors.ticket_figures(user=request.user, group=group, **params)
        return _answer(params, group, rows)


class WaitingByHourApi(APIView):
    """Queue figures by hour of arrival."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="分时段等候时长",
        description="按到达时段（0–23 时）的取号数与等候时长。" + ERRORS,
        parameters=PARAMETERS,
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        params = figure_params_parse(request.query_params)
        rows = selectors.waiting_by_hour(user=request.user, **params)
        return _answer(params, "hour", rows)


urlpatterns = [
    path("cases/", CaseFiguresApi.as_view(), name="stats-cases"),
    path("tickets/", TicketFiguresApi.as_view(), name="stats-tickets"),
    path("waiting-by-hour/", WaitingByHourApi.as_view(), name="stats-waiting-by-hour"),
]
