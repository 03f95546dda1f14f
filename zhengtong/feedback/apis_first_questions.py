"""
/api/v1/feedback/first-questions/…: the first-question register (首问登记),
and /api/v1/feedback/staff-show/: who is serving (挂牌上岗, public).

- ``GET  first-questions/`` the entries one may see (``counter``,
  ``department``, ``pending=1``), asker masked
- ``POST first-questions/`` ``{"channel": "onsite"|"phone"|"online",
  "question", "outcome", "asker_name", "asker_phone", "asker_unit",
  "result", "item", "ticket", "case", "counter", "handover_to",
  "handover_counter"}`` → 201 ``{"id", "number", "handover_due"}``
- ``GET  first-questions/{id}/``, ``GET first-questions/{id}/receipt.pdf``
- ``POST first-questions/{id}/handover/`` ``{"to", "counter", "note"}``
  (the first-responsible person), ``confirm/`` ``{"note"}`` (the receiver)
- ``GET  staff-show/?counter=ID`` or ``?hall=ID`` (no sign-in: the displays)
"""

from django.http import HttpResponse
from django.urls import path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.shapes import rendered, validated
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id

from .documents import first_question_receipt_pdf
from .selectors_complaints import (
    first_question_get_for_user,
    first_question_list_for_user,
    first_question_row,
    staff_show,
)
from .services import first_questions as services

MAX_PAGE = 100
ID = {"required": False, "min_value": 1, "max_value": 2**62, "allow_null": True}


class FirstQuestionCreateInput(serializers.Serializer):
    channel = serializers.CharField(max_length=10, required=False, allow_blank=True)
    question = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    outcome = serializers.CharField(max_length=10, required=False, allow_blank=True)
    asker_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    asker_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    asker_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    result = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    item = serializers.IntegerField(**ID)
    ticket = serializers.IntegerField(**ID)
    case = serializers.IntegerField(**ID)
    counter = serializers.IntegerField(**ID)
    handover_to = serializers.IntegerField(**ID)
    handover_counter = serializers.IntegerField(**ID)


class FirstQuestionCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    outcome = serializers.CharField()
    handover_due = serializers.DateField(allow_null=True)


class FirstQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    asked_on = serializers.DateField()
    channel = serializers.CharField()
    asker = serializers.CharField()
    phone = serializers.CharField()
    question = serializers.CharField()
    item = serializers.CharField()
    outcome = serializers.CharField()
    result = serializers.CharField()
    responsible = serializers.CharField()
    responsible_number = serializers.CharField()
    counter = serializers.CharField()
    handover_to = serializers.CharField()
    handover_due = serializers.DateField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    pending = serializers.BooleanField()
    late = serializers.BooleanField()
    ticket = serializers.CharField()
    case = serializers.CharField()


class FirstQuestionHandoverInput(serializers.Serializer):
    to = serializers.IntegerField(min_value=1, max_value=2**62)
    counter = serializers.IntegerField(**ID)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FirstQuestionConfirmInput(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


def _row(entry) -> dict:
    return rendered(FirstQuestionOutput, first_question_row(entry))


def _query_id(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    value = int_id(raw)
    if value is None:
        raise ApplicationError("invalid_input", f"参数 {name} 须为正整数。")
    return value


class FirstQuestionListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="首问登记台账",
        operation_id="feedback_first_questions_list",
        parameters=[
            OpenApiParameter("counter", int),
            OpenApiParameter("department", int),
            OpenApiParameter("pending", bool, description="只看待确认的转交"),
        ],
        responses=inline_serializer(
            "FirstQuestionListOutput", {"results": FirstQuestionOutput(many=True)}
        ),
    )
    def get(self, request: Request) -> Response:
        qs = first_question_list_for_user(
            user=request.user,
            counter_id=_query_id(request, "counter"),
            department_id=_query_id(request, "department"),
            pending=request.query_params.get("pending") in ("1", "true"),
        )
        return Response({"results": [_row(e) for e in qs[:MAX_PAGE]]})

    @extend_schema(
        summary="首问登记",
        request=FirstQuestionCreateInput,
        responses={201: FirstQuestionCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        v = validated(FirstQuestionCreateInput, request.data)
        entry = services.first_question_create(
            actor=request.user,
            channel=v.get("channel"),
            question=v.get("question"),
            outcome=v.get("outcome"),
            asker_name=v.get("asker_name", ""),
            asker_phone=v.get("asker_phone", ""),
            asker_unit=v.get("asker_unit", ""),
            result=v.get("result", ""),
            item_id=v.get("item"),
            ticket_id=v.get("ticket"),
            case_id=v.get("case"),
            counter_id=v.get("counter"),
            handover_to_id=v.get("handover_to"),
            handover_counter_id=v.get("handover_counter"),
        )
        return Response(rendered(FirstQuestionCreatedOutput, entry), status=201)


class FirstQuestionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="首问登记详情", responses=FirstQuestionOutput)
    def get(self, request: Request, entry_id: int) -> Response:
        return Response(
            _row(first_question_get_for_user(user=request.user, entry_id=entry_id))
        )


class FirstQuestionReceiptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="首问登记回执PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, entry_id: int) -> HttpResponse:
        entry = first_question_get_for_user(user=request.user, entry_id=entry_id)
        response = HttpResponse(
            first_question_receipt_pdf(entry), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="first-question-{entry.pk}.pdf"'
        )
        return response


class FirstQuestionHandoverApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="首问转交",
        request=FirstQuestionHandoverInput,
        responses=FirstQuestionOutput,
    )
    def post(self, request: Request, entry_id: int) -> Response:
        entry = first_question_get_for_user(user=request.user, entry_id=entry_id)
        v = validated(FirstQuestionHandoverInput, request.data)
        entry = services.first_question_handover(
            entry=entry,
            actor=request.user,
            to_user_id=v["to"],
            counter_id=v.get("counter"),
            note=v.get("note", ""),
        )
        return Response(
            _row(first_question_get_for_user(user=request.user, entry_id=entry.pk))
        )


class FirstQuestionConfirmApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="确认承接",
        request=FirstQuestionConfirmInput,
        responses=FirstQuestionOutput,
    )
    def post(self, request: Request, entry_id: int) -> Response:
        entry = first_question_get_for_user(user=request.user, entry_id=entry_id)
        v = validated(FirstQuestionConfirmInput, request.data)
        entry = services.first_question_confirm(
            entry=entry, actor=request.user, note=v.get("note", "")
        )
        return Response(
            _row(first_question_get_for_user(user=request.user, entry_id=entry.pk))
        )


class StaffShowApi(APIView):
    """Who is serving at a counter or in a hall (挂牌上岗), for the displays."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="挂牌上岗信息",
        parameters=[OpenApiParameter("counter", int), OpenApiParameter("hall", int)],
        responses=inline_serializer(
            "StaffShowOutput",
            {
                "hall": serializers.CharField(),
                "contact": serializers.DictField(),
                "counters": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(
            staff_show(
                counter_id=_query_id(request, "counter"),
                hall_id=_query_id(request, "hall"),
            )
        )


urlpatterns = [
    path(
        "first-questions/",
        FirstQuestionListCreateApi.as_view(),
        name="feedback-first-question-list",
    ),
    path(
        "first-questions/<int:entry_id>/",
        FirstQuestionDetailApi.as_view(),
        name="feedback-first-question-detail",
    ),
    path(
        "first-questions/<int:entry_id>/receipt.pdf",
        FirstQuestionReceiptApi.as_view(),
        name="feedback-first-question-receipt",
    ),
    path(
        "first-questions/<int:entry_id>/handover/",
        FirstQuestionHandoverApi.as_view(),
        name="feedback-first-question-handover",
    ),
    path(
        "first-questions/<int:entry_id>/confirm/",
        FirstQuestionConfirmApi.as_view(),
        name="feedback-first-question-confirm",
    ),
    path("staff-show/", StaffShowApi.as_view(), name="feedback-staff-show"),
]
