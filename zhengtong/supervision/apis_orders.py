"""
/api/v1/supervision/orders/…: supervision orders (督办单); breaches are mounted here too.

- ``GET  orders/`` the orders the user may see (``state``, ``before``, ``page_size``)
- ``POST orders/`` ``{"case": ID, "reason", "action", "reply_days"}`` (or
  ``step``, ``department``, ``person`` as the target) → 201 ``id``,
  ``number``, ``due_date``
- ``GET  orders/{id}/``, ``GET orders/{id}/pdf/``
- ``POST orders/{id}/issue/`` (a draft), ``reply/`` (JSON ``{"text"}`` or
  multipart with ``attachment``), ``accept/``, ``return/``, ``cancel/``

Applicants and counter staff get 403 on opening; a department head of
another department 404 on anything of that order.  Errors are JSON
``{"code", "message"}`` with stable codes.
"""

from django.http import HttpResponse
from django.urls import path

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.accounts.models import User
from zhengtong.api.parsers import StrictJSONParser
from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.cases.models import Case, CaseStep
from zhengtong.catalog.models import Department
from zhengtong.core.errors import ApplicationError, NotFoundError

from . import apis_breaches, permissions
from .api_actions import action_api
from .constants import ErrorCode, OrderState, OrderTarget
from .documents import order_pdf
from .selectors_orders import order_get_for_user, order_list_for_user, order_replies
from .services import orders as services

MAX_PAGE = 100


class OrderCreateInput(serializers.Serializer):
    case = serializers.IntegerField(required=False, min_value=1)
    step = serializers.IntegerField(required=False, min_value=1)
    department = serializers.IntegerField(required=False, min_value=1)
    person = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.CharField(max_length=4000)
    action = serializers.CharField(max_length=4000)
    reply_days = serializers.IntegerField(required=False, min_value=1, max_value=60)


class OrderIssueInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False)
    action = serializers.CharField(max_length=4000, required=False)
    reply_days = serializers.IntegerField(required=False, min_value=1, max_value=60)


class OrderReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    attachment = serializers.FileField(required=False, allow_empty_file=False)


class OrderNoteInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class OrderReturnInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    reply_days = serializers.IntegerField(required=False, min_value=1, max_value=60)


class OrderCancelInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class OrderCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    state = serializers.CharField()


class OrderReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    attachment_name = serializers.CharField()
    replied_by = serializers.IntegerField(source="replied_by_id")
    replied_at = serializers.DateTimeField()
    verdict = serializers.CharField()
    verdict_note = serializers.CharField()
    verdict_at = serializers.DateTimeField(allow_null=True)


class OrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    target = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    step = serializers.IntegerField(source="step_id", allow_null=True)
    department = serializers.IntegerField(source="department_id")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    reason = serializers.CharField()
    action = serializers.CharField()
    reply_days = serializers.IntegerField()
    issued_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.BooleanField()
    level = serializers.IntegerField()
    auto = serializers.BooleanField()


class OrderDetailOutput(OrderOutput):
    replies = OrderReplyOutput(many=True, source="_replies")


def _target(v: dict) -> dict:
    """Return the order_create keywords of the input's target (one of four)."""
    if v.get("step"):
        step = CaseStep.objects.filter(pk=v["step"]).select_related("case").first()
        if step is None:
            raise NotFoundError("审批环节不存在。")
        return {"target": OrderTarget.STEP, "step": step}
    if v.get("case"):
        case = Case.objects.filter(pk=v["case"]).first()
        if case is None:
            raise NotFoundError("办件不存在。")
        return {"target": OrderTarget.CASE, "case": case}
    if v.get("person"):
        person = User.objects.filter(pk=v["person"], is_staff=True).first()
        if person is None:
            raise NotFoundError("被督办人不存在。")
        return {"target": OrderTarget.PERSON, "person": person}
    if v.get("department"):
        department = Department.objects.filter(pk=v["department"]).first()
        if department is None:
            raise NotFoundError("部门不存在。")
        return {"target": OrderTarget.DEPARTMENT, "department": department}
    raise ApplicationError(
        ErrorCode.INVALID_INPUT, "请指定督办对象：case、step、department 或 person。"
    )


def _detail(order) -> dict:
    order._replies = order_replies(order)
    return rendered(OrderDetailOutput, order)


class OrderListCreateApi(APIView):
    """List the orders one may see, or open one (督办)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="督办单列表",
        operation_id="supervision_orders_list",
        parameters=[
            OpenApiParameter("state", str, enum=list(OrderState.values)),
            OpenApiParameter("before", int, description="上一页最后一条的 id"),
            OpenApiParameter("page_size", int, description="每页条数，最多100"),
        ],
        responses=inline_serializer(
            "OrderListOutput",
            {
                "results": OrderOutput(many=True),
                "next": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state and state not in OrderState.values:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "状态参数不正确。")
        qs = order_list_for_user(user=request.user, state=state)
        try:
            size = min(MAX_PAGE, max(1, int(request.query_params.get("page_size", 20))))
            before = request.query_params.get("before")
            if before:
                qs = qs.filter(id__lt=int(before))
        except ValueError:
            raise ApplicationError(
                ErrorCode.INVALID_INPUT, "分页参数须为整数。"
            ) from None
        rows = list(qs[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        next_url = None
        if more:
            params = request.query_params.copy()
            params["before"] = str(rows[-1].pk)
            next_url = (
                request.build_absolute_uri(request.path) + "?" + params.urlencode()
            )
        return Response({"results": rendered_many(OrderOutput, rows), "next": next_url})

    @extend_schema(
        summary="督办（开具督办单）",
        request=OrderCreateInput,
        responses={201: OrderCreatedOutput},
    )
    def post(self, request: Request) -> Response:
        permissions.check_open_order(request.user)  # before the body: 403 first
        v = validated(OrderCreateInput, request.data)
        order = services.order_create(
            actor=request.user,
            reason=v["reason"],
            action=v["action"],
            reply_days=v.get("reply_days"),
            **_target(v),
        )
        return Response(rendered(OrderCreatedOutput, order), status=201)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="督办单详情", responses=OrderDetailOutput)
    def get(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id)
        return Response(_detail(order))


class OrderPdfApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="督办单PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, order_id: int) -> HttpResponse:
        order = order_get_for_user(user=request.user, order_id=order_id)
        response = HttpResponse(order_pdf(order), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="supervision-order-{order.pk}.pdf"'
        )
        return response


class OrderActionApi(APIView):
    """One action on an order: load it as the user sees it, check, call."""

    permission_classes = [IsAuthenticated]
    InputSerializer: type[serializers.Serializer] = OrderNoteInput

    def perform(self, *, order, user, data) -> None:  # pragma: no cover
        raise NotImplementedError

    def post(self, request: Request, order_id: int) -> Response:
        order = order_get_for_user(user=request.user, order_id=order_id)
        data = validated(self.InputSerializer, request.data)
        self.perform(order=order, user=request.user, data=data)
        order = order_get_for_user(user=request.user, order_id=order_id)
        return Response(_detail(order))


def _action(
    name: str, summary: str, input_serializer, perform, service, parsers=None
) -> type:
    return action_api(
        base=OrderActionApi,
        name=name,
        summary=summary,
        input_serializer=input_serializer,
        perform=perform,
        service=service,
        output=OrderDetailOutput,
        parsers=parsers,
    )


OrderIssueApi = _action(
    "OrderIssueApi",
    "签发系统拟稿的督办单",
    OrderIssueInput,
    lambda *, order, user, data: services.order_issue(
        order=order,
        actor=user,
        reason=data.get("reason"),
        action=data.get("action"),
        reply_days=data.get("reply_days"),
    ),
    services.order_issue,
)
OrderReplyApi = _action(
    "OrderReplyApi",
    "回复督办单",
    OrderReplyInput,
    lambda *, order, user, data: services.order_reply(
        order=order, actor=user, text=data["text"], attachment=data.get("attachment")
    ),
    services.order_reply,
    parsers=[StrictJSONParser, MultiPartParser, FormParser],
)
OrderAcceptApi = _action(
    "OrderAcceptApi",
    "督办回复审核通过（办结）",
    OrderNoteInput,
    lambda *, order, user, data: services.order_accept(
        order=order, actor=user, note=data["note"]
    ),
    services.order_accept,
)
OrderReturnApi = _action(
    "OrderReturnApi",
    "退回督办回复",
    OrderReturnInput,
    lambda *, order, user, data: services.order_return(
        order=order, actor=user, note=data["note"], reply_days=data.get("reply_days")
    ),
    services.order_return,
)
OrderCancelApi = _action(
    "OrderCancelApi",
    "撤销督办单",
    OrderCancelInput,
    lambda *, order, user, data: services.order_cancel(
        order=order, actor=user, note=data["note"]
    ),
    services.order_cancel,
)

urlpatterns = [
    path("orders/", OrderListCreateApi.as_view(), name="supervision-order-list"),
    path(
        "orders/<int:order_id>/",
        OrderDetailApi.as_view(),
        name="supervision-order-detail",
    ),
    path(
        "orders/<int:order_id>/pdf/",
        OrderPdfApi.as_view(),
        name="supervision-order-pdf",
    ),
    path(
        "orders/<int:order_id>/issue/",
        OrderIssueApi.as_view(),
        name="supervision-order-issue",
    ),
    path(
        "orders/<int:order_id>/reply/",
        OrderReplyApi.as_view(),
        name="supervision-order-reply",
    ),
    path(
        "orders/<int:order_id>/accept/",
        OrderAcceptApi.as_view(),
        name="supervision-order-accept",
    ),
    path(
        "orders/<int:order_id>/return/",
        OrderReturnApi.as_view(),
        name="supervision-order-return",
    ),
    path(
        "orders/<int:order_id>/cancel/",
        OrderCancelApi.as_view(),
        name="supervision-order-cancel",
    ),
    *apis_breaches.urlpatterns,
]
