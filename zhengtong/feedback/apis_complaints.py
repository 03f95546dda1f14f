"""
/api/v1/feedback/complaints/…: complaints (投诉).

- ``GET  complaints/`` the complaints one may see (``state``: a state or
  ``open``; ``mine=1``), newest first, complainant masked
- ``POST complaints/`` ``{"category", "subcategory", "channel", "content",
  "counter"|"case"|"ticket"|"person", "hall", "hotline_number",
  "hotline_type", "complainant_name", "complainant_phone"}`` → 201
  ``{"id", "number", "reply_due"}``
- ``GET  complaints/categories/`` the categories with their sub-items
- ``GET  complaints/{id}/``, ``GET complaints/{id}/reply.pdf`` (书面答复)
- ``POST complaints/{id}/propose/`` ``{"route": "centre"|"transfer",
  "proposal", "department"}``, ``approve/`` ``{"note"}``, ``transfer/``
  ``{"department", "note"}``, ``reply/`` ``{"text", "mode", "verified",
  "late_reason"}``, ``revisit/`` ``{"result", "text"}``

Errors are ``{"code", "message"}``: 400 bad input (``unknown_category``,
``counter_other_hall``, ``invalid_input`` …), 403 not permitted, 404 not
visible (integrity complaints to anyone but the discipline role), 409 the
state does not allow it.
"""

from django.http import HttpResponse
from django.urls import path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.pagination import keyset_page
from zhengtong.api.shapes import rendered, validated

from .documents import complaint_reply_pdf
from .models_complaints import ComplaintState, ReplyMode
from .selectors_complaints import (
    complaint_categories,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_masked_row,
)
from .services import complaints as services

MAX_PAGE = 100


class ComplaintCreateInput(serializers.Serializer):
    category = serializers.CharField(required=False, allow_blank=True, max_length=40)
    subcategory = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=40
    )
    channel = serializers.CharField(required=False, allow_blank=True, max_length=10)
    content = serializers.CharField(
        required=False, allow_blank=True, max_length=8000, trim_whitespace=True
    )
    hall = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    counter = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    case = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    ticket = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    person = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    hotline_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40
    )
    hotline_type = serializers.CharField(
        required=False, allow_blank=True, max_length=40
    )
    complainant_name = serializers.CharField(
        required=False, allow_blank=True, max_length=100
    )
    complainant_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=20
    )
    written = serializers.BooleanField(required=False, allow_null=True, default=None)


class ComplaintCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    reply_due = serializers.DateField()
    proposal_due = serializers.DateField()
    state = serializers.CharField()


class ComplaintOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    channel = serializers.CharField()
    hotline_number = serializers.CharField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    subcategory = serializers.CharField(source="subcategory.code", allow_null=True)
    subcategory_name = serializers.CharField(source="subcategory.name", allow_null=True)
    written = serializers.BooleanField()
    content = serializers.CharField()
    counter = serializers.IntegerField(source="counter_id", allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True)
    person = serializers.IntegerField(source="person_id", allow_null=True)
    department = serializers.IntegerField(source="department_id", allow_null=True)
    transfer_department = serializers.IntegerField(
        source="transfer_department_id", allow_null=True
    )
    received_on = serializers.DateField()
    proposal_due = serializers.DateField()
    reply_due = serializers.DateField()
    route = serializers.CharField()
    proposal = serializers.CharField()
    reply_mode = serializers.CharField()
    reply_text = serializers.CharField()
    on_the_spot = serializers.BooleanField()
    late_reason = serializers.CharField()
    verified = serializers.BooleanField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    revisit_result = serializers.CharField()
    revisit_text = serializers.CharField()


class ComplaintRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    channel = serializers.CharField()
    category = serializers.CharField()
    subcategory = serializers.CharField()
    complainant = serializers.CharField()
    counter = serializers.CharField()
    department = serializers.CharField()
    received_on = serializers.DateField()
    reply_due = serializers.DateField()
    replied_on = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    lamp = serializers.CharField()


class ComplaintProposeInput(serializers.Serializer):
    route = serializers.CharField(max_length=10)
    proposal = serializers.CharField(max_length=4000, allow_blank=True)
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, allow_null=True
    )


class ComplaintNoteInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class ComplaintTransferInput(ComplaintNoteInput):
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=2**62, allow_null=True
    )


class ComplaintReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=8000, allow_blank=True)
    mode = serializers.ChoiceField(
        choices=ReplyMode.values, required=False, allow_null=True
    )
    verified = serializers.BooleanField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class ComplaintRevisitInput(serializers.Serializer):
    result = serializers.CharField(max_length=12)
    text = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class ComplaintListCreateApi(APIView):
    """List the complaints one may see, or register one (投诉)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="投诉列表",
        operation_id="feedback_complaints_list",
        parameters=[
            OpenApiParameter("state", str, enum=[*ComplaintState.values, "open"]),
            OpenApiParameter("mine", bool, description="只看本人提交的投诉"),
            OpenApiParameter("before", int, description="上一页最后一条的 id"),
            OpenApiParameter("page_size", int, description="每页条数，最多100"),
        ],
        responses=inline_serializer(
            "ComplaintListOutput",
            {
                "results": ComplaintRowOutput(many=True),
                "next_before": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        qs = complaint_list_for_user(
            user=request.user,
            state=request.query_params.get("state") or None,
            mine=request.query_params.get("mine") in ("1", "true"),
        )
        rows, next_before = keyset_page(
            qs, request.query_params, size=MAX_PAGE, size_max=MAX_PAGE
        )
        return Response(
            {
                "results": [complaint_masked_row(c) for c in rows],
                "next_before": next_before,
            }
        )

    @extend_schema(
        summary="登记投诉",
        request=ComplaintCreateInput,
        responses={201: ComplaintCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        v = validated(ComplaintCreateInput, request.data)
        complaint = services.complaint_create(
            actor=request.user,
            category=v.get("category"),
            subcategory=v.get("subcategory") or None,
            channel=v.get("channel"),
            content=v.get("content"),
            hall_id=v.get("hall"),
            counter_id=v.get("counter"),
            case_id=v.get("case"),
            ticket_id=v.get("ticket"),
            person_id=v.get("person"),
            hotline_number=v.get("hotline_number", ""),
            hotline_type=v.get("hotline_type") or None,
            complainant_name=v.get("complainant_name", ""),
            complainant_phone=v.get("complainant_phone", ""),
            written=v.get("written"),
        )
        return Response(rendered(ComplaintCreatedOutput, complaint), status=201)


class ComplaintCategoriesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="投诉类别",
        responses=inline_serializer(
            "ComplaintCategoriesOutput",
            {"results": serializers.ListField(child=serializers.DictField())},
        ),
    )
    def get(self, request: Request) -> Response:
        return Response({"results": complaint_categories()})


class ComplaintDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="投诉详情", responses=ComplaintOutput)
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        return Response(rendered(ComplaintOutput, complaint))


class ComplaintReplyPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="投诉书面答复PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, complaint_id: int) -> HttpResponse:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        response = HttpResponse(
            complaint_reply_pdf(complaint), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="complaint-reply-{complaint.pk}.pdf"'
        )
        return response


class ComplaintActionApi(APIView):
    """One action on a complaint: load it as the user sees it, check, call."""

    permission_classes = [IsAuthenticated]
    InputSerializer: type[serializers.Serializer] = ComplaintNoteInput

    def perform(self, *, complaint, user, data) -> None:  # pragma: no cover
        raise NotImplementedError

    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        data = validated(self.InputSerializer, request.data)
        self.perform(complaint=complaint, user=request.user, data=data)
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
        return Response(rendered(ComplaintOutput, complaint))


def _action(name: str, summary: str, input_serializer, perform, service) -> type:
    from zhengtong.supervision.api_actions import action_api

    return action_api(
        base=ComplaintActionApi,
        name=name,
        summary=summary,
        input_serializer=input_serializer,
        perform=perform,
        service=service,
        output=ComplaintOutput,
    )


ComplaintProposeApi = _action(
    "ComplaintProposeApi",
    "提出拟办意见",
    ComplaintProposeInput,
    lambda *, complaint, user, data: services.complaint_propose(
        complaint=complaint,
        actor=user,
        route=data["route"],
        proposal=data["proposal"],
        department_id=data.get("department"),
    ),
    services.complaint_propose,
)
ComplaintApproveApi = _action(
    "ComplaintApproveApi",
    "批准拟办意见",
    ComplaintNoteInput,
    lambda *, complaint, user, data: services.complaint_approve(
        complaint=complaint, actor=user, note=data["note"]
    ),
    services.complaint_approve,
)
ComplaintTransferApi = _action(
    "ComplaintTransferApi",
    "转办投诉",
    ComplaintTransferInput,
    lambda *, complaint, user, data: services.complaint_transfer(
        complaint=complaint,
        actor=user,
        department_id=data.get("department"),
        note=data["note"],
    ),
    services.complaint_transfer,
)
ComplaintReplyApi = _action(
    "ComplaintReplyApi",
    "答复投诉",
    ComplaintReplyInput,
    lambda *, complaint, user, data: services.complaint_reply(
        complaint=complaint,
        actor=user,
        text=data["text"],
        mode=data.get("mode"),
        verified=data.get("verified"),
        late_reason=data["late_reason"],
    ),
    services.complaint_reply,
)
ComplaintRevisitApi = _action(
    "ComplaintRevisitApi",
    "投诉回访",
    ComplaintRevisitInput,
    lambda *, complaint, user, data: services.complaint_revisit(
        complaint=complaint, actor=user, result=data["result"], text=data["text"]
    ),
    services.complaint_revisit,
)

urlpatterns = [
    path(
        "complaints/",
        ComplaintListCreateApi.as_view(),
        name="feedback-complaint-list",
    ),
    path(
        "complaints/categories/",
        ComplaintCategoriesApi.as_view(),
        name="feedback-complaint-categories",
    ),
    path(
        "complaints/<int:complaint_id>/",
        ComplaintDetailApi.as_view(),
        name="feedback-complaint-detail",
    ),
    path(
        "complaints/<int:complaint_id>/reply.pdf",
        ComplaintReplyPdfApi.as_view(),
        name="feedback-complaint-reply-pdf",
    ),
    *[
        path(
            f"complaints/<int:complaint_id>/{name}/",
            view.as_view(),
            name=f"feedback-complaint-{name}",
        )
        for name, view in (
            ("propose", ComplaintProposeApi),
            ("approve", ComplaintApproveApi),
            ("transfer", ComplaintTransferApi),
            ("reply", ComplaintReplyApi),
            ("revisit", ComplaintRevisitApi),
        )
    ],
]
