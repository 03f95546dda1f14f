"""
/api/v1/supervision/clocks/: the open clocks of the registry (监察时钟).

``GET /api/v1/supervision/clocks/?lamp=red|yellow|green&department=ID&kind=…``
(also ``counter``, ``owner``, ``due_from``, ``due_to``, ``provisional``,
``after`` — the ``next`` key of the previous page) → ``{"count", "next",
"results": [{"kind", "object_id", "number", "due_date", "lamp",
"provisional", "owner", …}]}``, most overdue first.  Supervisors and
centre administrators see every department; a department head only their
own (another department's filter gives no rows); anyone else 403.  The
reads are the desk's (``selectors``): one definition of what a list holds.
"""

from datetime import date

from django.urls import path

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id

from . import selectors
from .constants import ClockKind, ErrorCode, Lamp

PAGE_SIZE = 50


def _after(raw: str) -> tuple[date, int] | None:
    """Parse the keyset cursor ``YYYY-MM-DD.ID``."""
    if not raw:
        return None
    day, _dot, pk = raw.partition(".")
    ident = int_id(pk)
    try:
        due = date.fromisoformat(day)
    except ValueError:
        ident = None
    if ident is None:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "翻页参数 after 不正确，请使用上一页返回的 next。"
        )
    return due, ident


def clock_row(row: dict) -> dict:
    """The API shape of one clock (from a selector row)."""
    owner = None
    if row.get("owner_id"):
        owner = {
            "id": row["owner_id"],
            "name": row.get("owner__display_name") or row.get("owner__username") or "",
        }
    return {
        "id": row["id"],
        "kind": row["kind"],
        "kind_label": str(ClockKind(row["kind"]).label),
        "object_id": row["object_id"],
        "case_id": row.get("case_id"),
        "number": row["number"],
        "title": row.get("title", ""),
        "department": row.get("department_id"),
        "department_name": row.get("department__name") or "",
        "started_on": row.get("started_on"),
        "due_date": row["due_date"],
        "state": row.get("state"),
        "lamp": row["lamp"],
        "lamp_label": str(Lamp(row["lamp"]).label),
        "provisional": row["provisional"],
        "owner": owner,
    }


ClockOutput = inline_serializer(
    "SupervisionClock",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=ClockKind.choices),
        "kind_label": serializers.CharField(),
        "object_id": serializers.IntegerField(),
        "case_id": serializers.IntegerField(allow_null=True),
        "number": serializers.CharField(),
        "title": serializers.CharField(),
        "department": serializers.IntegerField(allow_null=True),
        "department_name": serializers.CharField(),
        "started_on": serializers.DateField(allow_null=True),
        "due_date": serializers.DateField(),
        "state": serializers.CharField(),
        "lamp": serializers.ChoiceField(choices=Lamp.choices),
        "lamp_label": serializers.CharField(),
        "provisional": serializers.BooleanField(),
        "owner": inline_serializer(
            "SupervisionClockOwner",
            {"id": serializers.IntegerField(), "name": serializers.CharField()},
            allow_null=True,
        ),
    },
)


class ClockListApi(APIView):
    """The open clocks a supervisor (or a department head) may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="监察时钟列表（红灯、黄灯、绿灯）",
        description=(
            "在办的时钟（办件承诺与法定时限、审批环节、补正答复、发证、受理决定、督办回复），"
            "逾期最久的在前，按 after 游标翻页。部门负责人只看到本部门。"
            "错误码：not_permitted（403，非监察人员）、invalid_input（400，参数有误）。"
        ),
        parameters=[
            OpenApiParameter("lamp", str, enum=Lamp.values),
            OpenApiParameter("department", int),
            OpenApiParameter("kind", str, enum=ClockKind.values),
            OpenApiParameter("counter", int),
            OpenApiParameter("owner", int),
            OpenApiParameter("due_from", date),
            OpenApiParameter("due_to", date),
            OpenApiParameter("provisional", str, enum=["0", "1"]),
            OpenApiParameter("after", str, description="上一页返回的 next"),
        ],
        responses=inline_serializer(
            "SupervisionClockPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.CharField(allow_null=True),
                "results": serializers.ListField(child=ClockOutput),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        filters = selectors.clock_filters_parse(request.query_params)
        after = _after((request.query_params.get("after") or "").strip())
        rows, next_key = selectors.clock_page_for_user(
            user=request.user, filters=filters, after=after, size=PAGE_SIZE
        )
        count = selectors.clock_count_for_user(user=request.user, filters=filters)
        return Response(
            {
                "count": count,
                "next": f"{next_key[0].isoformat()}.{next_key[1]}"
                if next_key
                else None,
                "results": [clock_row(r) for r in rows],
            }
        )


urlpatterns = [
    path("clocks/", ClockListApi.as_view(), name="supervision-clocks"),
]
