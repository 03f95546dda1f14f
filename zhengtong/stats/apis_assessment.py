"""
/api/v1/stats/assessment/…: the monthly assessment (月度效能考核).

- ``GET  assessment/?month=YYYY-MM[&region=CODE]`` → the month's results per
  counter and staff member: ``score``, ``rank``, ``red_flag``, ``stars``
  (1–5), ``service_star``, ``reasons``, ``categories``, ``figures``;
  ``state`` ``signed`` (frozen revision) or ``draft`` (computed now).
  A department head sees their department's rows; applicants 403; a bad
  month 400 ``invalid_month``.
- ``POST assessment/sign-off/`` ``{"month", "region"?}`` → 201 (leader only)
- ``POST assessment/revisions/`` ``{"month", "reason", "region"?}`` → 201
- ``POST assessment/entries/`` ``{"month", "category", "points",
  "evidence_text", "person"? , "counter"?}`` → 201 (supervisors)
"""

from django.contrib.auth import get_user_model
from django.urls import path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.catalog.models import Counter
from zhengtong.core.errors import ApplicationError

from .models_assessment import StarCategory
from .permissions_assessment import assessment_scope
from .selectors_assessment import assessment_for_user
from .services.assessment_month import (
    assessment_revise,
    assessment_sign_off,
    month_parse,
    points_entry_create,
)


def _region(text: str | None) -> str:
    region = (text or "").strip()
    if len(region) > 12 or not (region.isdigit() or region == ""):
        raise ApplicationError("invalid_input", "区划代码须为不超过 12 位的数字。")
    return region


def _valid(serializer_class: type[serializers.Serializer], data: object) -> dict:
    if not isinstance(data, dict):
        raise ApplicationError("invalid_input", "请求体须为 JSON 对象。")
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        field, errors = next(iter(serializer.errors.items()))
        raise ApplicationError("invalid_input", f"{field}：{errors[0]}")
    return dict(serializer.validated_data)


class MonthInput(serializers.Serializer):
    month = serializers.CharField(max_length=7)
    region = serializers.CharField(max_length=12, required=False, allow_blank=True)


class ReviseInput(MonthInput):
    reason = serializers.CharField(max_length=300)


class EntryInput(serializers.Serializer):
    month = serializers.CharField(max_length=7)
    category = serializers.ChoiceField(choices=StarCategory.values)
    points = serializers.DecimalField(max_digits=5, decimal_places=1)
    evidence_text = serializers.CharField(max_length=2000)
    person = serializers.IntegerField(min_value=1, max_value=2**62, required=False)
    counter = serializers.IntegerField(min_value=1, max_value=2**62, required=False)


class AssessmentApi(APIView):
    """The month's assessment results (visible rows only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="月度效能考核结果",
        operation_id="stats_assessment",
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("region", str, description="区划代码（缺省：全中心）"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        assessment_scope(request.user)  # 403 before any parsing
        month = month_parse(request.query_params.get("month"))
        region = _region(request.query_params.get("region"))
        return Response(
            assessment_for_user(user=request.user, month=month, region_code=region)
        )


class AssessmentSignOffApi(APIView):
    """A leader signs off a finished month (frozen as revision 1)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="签发月度考核",
        operation_id="stats_assessment_sign_off",
        request=MonthInput,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = _valid(MonthInput, request.data)
        signed = assessment_sign_off(
            month=month_parse(data["month"]),
            region_code=_region(data.get("region")),
            actor=request.user,
        )
        return Response(
            {"month": f"{signed.month:%Y-%m}", "revision": signed.revision}, status=201
        )


class AssessmentReviseApi(APIView):
    """Record a correction of a signed month (a new revision)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="更正月度考核",
        operation_id="stats_assessment_revise",
        request=ReviseInput,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = _valid(ReviseInput, request.data)
        revision = assessment_revise(
            month=month_parse(data["month"]),
            region_code=_region(data.get("region")),
            actor=request.user,
            reason=data["reason"],
        )
        return Response(
            {"month": data["month"], "revision": revision.number}, status=201
        )


class AssessmentEntryApi(APIView):
    """Enter points with evidence for a person or a counter."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="录入考核事项",
        operation_id="stats_assessment_entry_create",
        request=EntryInput,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = _valid(EntryInput, request.data)
        person = counter = None
        if data.get("person"):
            person = get_user_model().objects.filter(pk=data["person"]).first()
            if person is None:
                raise ApplicationError("invalid_input", "人员不存在。")
        if data.get("counter"):
            counter = Counter.objects.filter(pk=data["counter"]).first()
            if counter is None:
                raise ApplicationError("invalid_input", "窗口不存在。")
        entry = points_entry_create(
            actor=request.user,
            month=month_parse(data["month"]),
            category=data["category"],
            points=data["points"],
            evidence_text=data["evidence_text"],
            person=person,
            counter=counter,
        )
        return Response({"id": entry.pk, "points": str(entry.points)}, status=201)


urlpatterns = [
    path("assessment/", AssessmentApi.as_view(), name="stats-assessment"),
    path(
        "assessment/sign-off/",
        AssessmentSignOffApi.as_view(),
        name="stats-assessment-sign-off",
    ),
    path(
        "assessment/revisions/",
        AssessmentReviseApi.as_view(),
        name="stats-assessment-revise",
    ),
    path(
        "assessment/entries/",
        AssessmentEntryApi.as_view(),
        name="stats-assessment-entries",
    ),
]
