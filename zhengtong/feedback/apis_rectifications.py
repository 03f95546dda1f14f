"""
/api/v1/feedback/rectifications/…: the bad-rating loop (差评整改).

- ``GET  rectifications/?state=…`` the rectifications one may see (staff of
  the department: theirs; supervisors, centre administrators: all)
- ``GET  rectifications/{id}/``
- ``POST rectifications/{id}/verify/`` ``{"finding", "classification",
  "contacted"}``; ``rectify/`` ``{"text"}``; ``reply/`` ``{"text"}``;
  ``revisit/`` ``{"response", "satisfied"}``; ``appeal/`` ``{"reason"}`` (JSON,
  or multipart with ``evidence``); ``decide-appeal/`` ``{"upheld",
  "decision"}`` (the centre's reviewer)

Applicants get 403; staff of another department 404.  Errors are JSON
``{"code", "message"}`` with stable codes.
"""

from typing import Any

from django.urls import path

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.pagination import keyset_page
from zhengtong.api.parsers import StrictJSONParser
from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.core.masking import mask_name, mask_phone
from zhengtong.supervision.api_actions import action_api

from .models_ratings import Classification, Rectification, RectificationState
from .selectors import rectification_get_for_user, rectification_list_for_user
from .services import rectifications as services

MAX_PAGE = 100


class RectificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    rating = serializers.IntegerField(source="rating_id")
    level = serializers.IntegerField(source="rating.level")
    level_label = serializers.CharField(source="rating.get_level_display")
    comment = serializers.CharField(source="rating.comment")
    real_name = serializers.BooleanField(source="rating.real_name")
    rater_name = serializers.SerializerMethodField()
    rater_phone = serializers.SerializerMethodField()
    event = serializers.CharField(source="rating.get_event_kind_display")
    case = serializers.IntegerField(source="rating.case_id", allow_null=True)
    ticket = serializers.IntegerField(source="rating.ticket_id", allow_null=True)
    opened_on = serializers.DateField()
    step_started_on = serializers.DateField()
    due_date = serializers.DateField()
    classification = serializers.CharField()
    finding = serializers.CharField()
    contacted = serializers.BooleanField()
    rectification_text = serializers.CharField()
    reply_text = serializers.CharField()
    revisit_response = serializers.CharField()
    revisit_satisfied = serializers.BooleanField(allow_null=True)
    appeal_reason = serializers.CharField()
    appeal_upheld = serializers.BooleanField(allow_null=True)
    appeal_decision = serializers.CharField()

    def get_rater_name(self, r: Rectification) -> str:
        return mask_name(r.rating.rater_name) if r.rating.real_name else "匿名"

    def get_rater_phone(self, r: Rectification) -> str:
        return mask_phone(r.rating.rater_phone) if r.rating.real_name else ""


class VerifyInput(serializers.Serializer):
    finding = serializers.CharField(max_length=4000)
    classification = serializers.ChoiceField(choices=Classification.choices)
    contacted = serializers.BooleanField(required=False, default=False)


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


class RevisitInput(serializers.Serializer):
    response = serializers.CharField(max_length=4000)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)


class AppealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
    evidence = serializers.FileField(required=False, allow_empty_file=False)


class DecideAppealInput(serializers.Serializer):
    upheld = serializers.BooleanField()
    decision = serializers.CharField(max_length=4000)


class RectificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="差评整改列表",
        parameters=[
            OpenApiParameter("state", str, enum=list(RectificationState.values)),
            OpenApiParameter("before", int, description="上一页最后一条的 id"),
            OpenApiParameter("page_size", int, description="每页条数，最多100"),
        ],
        responses=inline_serializer(
            "RectificationListOutput",
            {
                "results": RectificationOutput(many=True),
                "next_before": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        qs = rectification_list_for_user(
            user=request.user, state=request.query_params.get("state") or None
        ).order_by("-id")
        rows, next_before = keyset_page(qs, request.query_params, size_max=MAX_PAGE)
        return Response(
            {
                "results": rendered_many(RectificationOutput, rows),
                "next_before": next_before,
            }
        )


class RectificationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="差评整改详情", responses=RectificationOutput)
    def get(self, request: Request, rectification_id: int) -> Response:
        r = rectification_get_for_user(
            user=request.user, rectification_id=rectification_id
        )
        return Response(rendered(RectificationOutput, r))


class RectificationActionApi(APIView):
    """One step of the loop: load as the user sees it, validate, call."""

    permission_classes = [IsAuthenticated]
    InputSerializer: type[serializers.Serializer] = TextInput

    def perform(self, *, rectification: Rectification, user: Any, data: dict) -> None:
        raise NotImplementedError  # pragma: no cover

    def post(self, request: Request, rectification_id: int) -> Response:
        r = rectification_get_for_user(
            user=request.user, rectification_id=rectification_id
        )
        data = validated(self.InputSerializer, request.data)
        self.perform(rectification=r, user=request.user, data=data)
        r = rectification_get_for_user(
            user=request.user, rectification_id=rectification_id
        )
        return Response(rendered(RectificationOutput, r))


def _action(
    name: str, summary: str, input_cls: type, perform: Any, service: Any, parsers=None
) -> type:
    return action_api(
        base=RectificationActionApi,
        name=name,
        summary=summary,
        input_serializer=input_cls,
        perform=perform,
        service=service,
        output=RectificationOutput,
        parsers=parsers,
    )


RectificationVerifyApi = _action(
    "RectificationVerifyApi",
    "核实差评并分类",
    VerifyInput,
    lambda *, rectification, user, data: services.rectification_verify(
        rectification=rectification, actor=user, **data
    ),
    services.rectification_verify,
)
RectificationRectifyApi = _action(
    "RectificationRectifyApi",
    "登记整改情况（或解释说明）",
    TextInput,
    lambda *, rectification, user, data: services.rectification_rectify(
        rectification=rectification, actor=user, text=data["text"]
    ),
    services.rectification_rectify,
)
RectificationReplyApi = _action(
    "RectificationReplyApi",
    "反馈评价人",
    TextInput,
    lambda *, rectification, user, data: services.rectification_reply(
        rectification=rectification, actor=user, text=data["text"]
    ),
    services.rectification_reply,
)
RectificationRevisitApi = _action(
    "RectificationRevisitApi",
    "回访并登记评价人意见",
    RevisitInput,
    lambda *, rectification, user, data: services.rectification_revisit(
        rectification=rectification, actor=user, **data
    ),
    services.rectification_revisit,
)
RectificationAppealApi = _action(
    "RectificationAppealApi",
    "申诉（恶意或误评）",
    AppealInput,
    lambda *, rectification, user, data: services.rectification_appeal(
        rectification=rectification,
        actor=user,
        reason=data["reason"],
        evidence=data.get("evidence"),
    ),
    services.rectification_appeal,
    parsers=[StrictJSONParser, MultiPartParser, FormParser],
)
RectificationDecideAppealApi = _action(
    "RectificationDecideAppealApi",
    "复核申诉",
    DecideAppealInput,
    lambda *, rectification, user, data: services.rectification_decide_appeal(
        rectification=rectification, actor=user, **data
    ),
    services.rectification_decide_appeal,
)

_R = "rectifications/<int:rectification_id>/"
urlpatterns = [
    path(
        "rectifications/",
        RectificationListApi.as_view(),
        name="feedback-rectification-list",
    ),
    path(_R, RectificationDetailApi.as_view(), name="feedback-rectification-detail"),
    path(f"{_R}verify/", RectificationVerifyApi.as_view(), name="feedback-rect-verify"),
    path(
        f"{_R}rectify/", RectificationRectifyApi.as_view(), name="feedback-rect-rectify"
    ),
    path(f"{_R}reply/", RectificationReplyApi.as_view(), name="feedback-rect-reply"),
    path(
        f"{_R}revisit/", RectificationRevisitApi.as_view(), name="feedback-rect-revisit"
    ),
    path(f"{_R}appeal/", RectificationAppealApi.as_view(), name="feedback-rect-appeal"),
    path(
        f"{_R}decide-appeal/",
        RectificationDecideAppealApi.as_view(),
        name="feedback-rect-decide-appeal",
    ),
]
