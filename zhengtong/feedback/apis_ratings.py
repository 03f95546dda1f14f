"""
/api/v1/feedback/…: ratings (好差评), the rater device, public results.

- ``POST ratings/`` ``{"ticket": ID}`` or ``{"case": ID}``, ``"level": 1..5``,
  ``"indicators": {...}``, ``"comment"``, ``"anonymous"`` → 201 ``{"id",
  "level", "rectification": null|ID}``; a second rating of the same event
  → 409 ``already_rated``; someone not served (or a staff session) → 403.
- ``GET ratings/mine/`` the ratings the user gave (我的评价).
- ``GET rater/current/`` what the counter's rater device shows (its token
  cookie), ``{"ticket": null}`` when idle.
- ``GET public/results/?month=YYYY-MM&group=department|counter|item&region=CODE``
  the public results (no login), the hall display's JSON.
"""

from datetime import date

from django.urls import path
from django.utils import timezone

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.catalog.models import Region
from zhengtong.core.errors import ApplicationError, NotFoundError

from .selectors import device_current_ticket, device_get, rating_list_for_rater
from .selectors_public import public_results
from .services.ratings import OFFLINE_INDICATORS, rating_submit
from .services.ratings_devices import DEVICE_COOKIE


class RatingCreateInput(serializers.Serializer):
    ticket = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    level = serializers.IntegerField(min_value=1, max_value=5)
    indicators = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        required=False,
        default=dict,
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=1000
    )
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    phone = serializers.RegexField(
        r"^[0-9+\- ]{0,20}$", required=False, allow_blank=True, default=""
    )


class RatingCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.IntegerField()
    rectification = serializers.IntegerField(allow_null=True)


class RatingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    event_kind = serializers.CharField()
    event_label = serializers.CharField(source="get_event_kind_display")
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    level = serializers.IntegerField()
    level_label = serializers.CharField(source="get_level_display")
    indicators = serializers.DictField()
    comment = serializers.CharField()
    real_name = serializers.BooleanField()
    is_default = serializers.BooleanField()
    excluded = serializers.BooleanField()
    department = serializers.CharField(source="department.name")
    rated_at = serializers.DateTimeField()


class RaterCurrentOutput(serializers.Serializer):
    ticket = serializers.IntegerField(allow_null=True)
    number = serializers.CharField(allow_blank=True)
    matter = serializers.CharField(allow_blank=True)
    staff = serializers.CharField(allow_blank=True)
    counter = serializers.CharField()
    indicators = serializers.DictField(child=serializers.CharField())


class RatingCreateApi(APIView):
    """Rate one service (评价): from the counter's rater or by the applicant."""

    @extend_schema(
        summary="提交评价（好差评）",
        request=RatingCreateInput,
        responses={201: RatingCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        v = validated(RatingCreateInput, request.data)
        rating = rating_submit(
            user=request.user,
            device_token=request.COOKIES.get(DEVICE_COOKIE),
            ticket_id=v.get("ticket"),
            case_id=v.get("case"),
            level=v["level"],
            indicators=v["indicators"],
            comment=v["comment"],
            anonymous=v["anonymous"],
            rater_name=v["name"],
            rater_phone=v["phone"],
        )
        rect = getattr(rating, "rectification", None) if rating.is_bad else None
        data = {
            "id": rating.pk,
            "level": rating.level,
            "rectification": rect and rect.pk,
        }
        return Response(rendered(RatingCreatedOutput, data), status=201)


class RatingMineApi(APIView):
    @extend_schema(
        summary="我的评价",
        responses=inline_serializer(
            "RatingMineOutput", {"results": RatingOutput(many=True)}
        ),
    )
    def get(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise ApplicationError("not_authenticated", "请先登录。", status=401)
        rows = list(rating_list_for_rater(user=request.user)[:200])
        return Response({"results": rendered_many(RatingOutput, rows)})


class RaterCurrentApi(APIView):
    @extend_schema(summary="评价器当前服务", responses=RaterCurrentOutput)
    def get(self, request: Request) -> Response:
        device = device_get(token=request.COOKIES.get(DEVICE_COOKIE))
        if device is None:
            raise NotFoundError("本设备尚未绑定窗口，请联系中心管理员绑定评价器。")
        ticket = device_current_ticket(device=device)
        data = {
            "ticket": ticket.pk if ticket else None,
            "number": ticket.number if ticket else "",
            "matter": (
                (ticket.service_item.name if ticket.service_item_id else ticket.matter)
                if ticket
                else ""
            ),
            "staff": (
                (ticket.staff.display_name or "") if ticket and ticket.staff_id else ""
            ),
            "counter": f"{device.counter.number}号窗口",
            "indicators": OFFLINE_INDICATORS,
        }
        return Response(rendered(RaterCurrentOutput, data))


def month_param(value: str | None) -> date:
    """Return the month of a ``YYYY-MM`` query parameter (default: this month)."""
    if not value:
        return timezone.localdate().replace(day=1)
    try:
        year, month = (int(x) for x in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ApplicationError("invalid_input", "月份格式应为 YYYY-MM。") from None


def region_param(value: str | None) -> Region | None:
    """Return the region of a ``region`` query parameter (None: whole centre)."""
    if not value:
        return None
    region = Region.objects.filter(code=value[:12]).first()
    if region is None:
        raise NotFoundError("区划不存在。")
    return region


class PublicResultsApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        summary="评价结果公开（按月）",
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("group", str, enum=["department", "counter", "item"]),
            OpenApiParameter("region", str, description="区划代码"),
        ],
    )
    def get(self, request: Request) -> Response:
        p = request.query_params
        data = public_results(
            region=region_param(p.get("region")),
            month=month_param(p.get("month")),
            group=p.get("group") or "department",
        )
        data["month"] = data["month"].strftime("%Y-%m")
        return Response(data)


urlpatterns = [
    path("ratings/", RatingCreateApi.as_view(), name="feedback-rating-create"),
    path("ratings/mine/", RatingMineApi.as_view(), name="feedback-rating-mine"),
    path("rater/current/", RaterCurrentApi.as_view(), name="feedback-rater-current"),
    path("public/results/", PublicResultsApi.as_view(), name="feedback-public-results"),
]
