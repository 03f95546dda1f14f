"""
/api/v1/supervision/breaches/…: cards and accountability (效能告诫 / 责任追究).

- ``GET  breaches/`` the records the user may see (``state``, ``before``, ``page_size``)
- ``POST breaches/`` ``{"kind": code, "person": ID, "evidence_kind", "evidence_id",
  "case", "evidence_text", "measure"?}`` → 201 the record
- ``GET  breaches/{id}/``
- ``POST breaches/{id}/decide/`` ``{"measure": code, "reason"}``
- ``POST breaches/{id}/dismiss/`` ``{"reason"}``
- ``POST breaches/{id}/statement/`` ``{"text"}`` (the person named)
"""

from django.urls import path

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.accounts.models import User
from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.core.errors import ApplicationError, NotFoundError

from . import permissions
from .api_actions import action_api
from .constants import BreachState, ErrorCode
from .models import BreachKind, MeasureKind
from .selectors_orders import breach_get_for_user, breach_list_for_user
from .services import breaches as services

MAX_PAGE = 100


class BreachProposeInput(serializers.Serializer):
    kind = serializers.SlugField(max_length=40)
    person = serializers.IntegerField(min_value=1)
    evidence_kind = serializers.ChoiceField(choices=list(services.EVIDENCE_KINDS))
    evidence_id = serializers.IntegerField(required=False, min_value=1)
    case = serializers.IntegerField(required=False, min_value=1)
    evidence_text = serializers.CharField(max_length=4000)
    measure = serializers.SlugField(max_length=40, required=False)


class BreachDecideInput(serializers.Serializer):
    measure = serializers.SlugField(max_length=40)
    reason = serializers.CharField(max_length=4000)


class BreachDismissInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class BreachStatementInput(serializers.Serializer):
    text = serializers.CharField(max_length=3000)


class BreachOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    person = serializers.IntegerField(source="person_id", allow_null=True)
    department = serializers.IntegerField(source="department_id")
    counter = serializers.IntegerField(source="counter_id", allow_null=True)
    evidence_kind = serializers.CharField()
    evidence_id = serializers.IntegerField(allow_null=True)
    case = serializers.IntegerField(source="case_id", allow_null=True)
    evidence_text = serializers.CharField()
    rule_code = serializers.CharField()
    proposed_measure = serializers.CharField(
        source="proposed_measure.code", allow_null=True
    )
    measure = serializers.CharField(source="measure.code", allow_null=True)
    decision_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    statement = serializers.CharField()
    statement_at = serializers.DateTimeField(allow_null=True)


def _kind(code: str) -> BreachKind:
    kind = BreachKind.objects.filter(code=code, active=True).first()
    if kind is None:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "失职情形代码不正确。")
    return kind


def _measure(code: str | None) -> MeasureKind | None:
    if not code:
        return None
    measure = MeasureKind.objects.filter(code=code).first()
    if measure is None:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "措施代码不正确。")
    return measure


class BreachListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="效能告诫记录列表",
        operation_id="supervision_breaches_list",
        parameters=[
            OpenApiParameter("state", str, enum=list(BreachState.values)),
            OpenApiParameter("before", int, description="上一页最后一条的 id"),
            OpenApiParameter("page_size", int, description="每页条数，最多100"),
        ],
        responses=inline_serializer(
            "BreachListOutput",
            {
                "results": BreachOutput(many=True),
                "next": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state and state not in BreachState.values:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "状态参数不正确。")
        qs = breach_list_for_user(user=request.user, state=state)
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
        next_url = None
        if len(rows) > size:
            rows = rows[:size]
            params = request.query_params.copy()
            params["before"] = str(rows[-1].pk)
            next_url = (
                request.build_absolute_uri(request.path) + "?" + params.urlencode()
            )
        return Response(
            {"results": rendered_many(BreachOutput, rows), "next": next_url}
        )

    @extend_schema(
        summary="提出效能告诫／责任追究",
        request=BreachProposeInput,
        responses={201: BreachOutput},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if not permissions.can_propose_breach(user):
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED,
                "只有监察人员、中心管理员或部门负责人可以提出效能告诫。",
                status=403,
            )
        v = validated(BreachProposeInput, request.data)
        person = User.objects.filter(pk=v["person"], is_staff=True).first()
        if person is None:
            raise NotFoundError("责任人不存在。")
        breach = services.breach_propose(
            actor=user,
            kind=_kind(v["kind"]),
            person=person,
            evidence_kind=v["evidence_kind"],
            evidence_id=v.get("evidence_id"),
            case_id=v.get("case"),
            evidence_text=v["evidence_text"],
            measure=_measure(v.get("measure")),
        )
        breach = breach_get_for_user(user=user, breach_id=breach.pk)
        return Response(rendered(BreachOutput, breach), status=201)


class BreachDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="效能告诫记录详情", responses=BreachOutput)
    def get(self, request: Request, breach_id: int) -> Response:
        breach = breach_get_for_user(user=request.user, breach_id=breach_id)
        return Response(rendered(BreachOutput, breach))


class BreachActionApi(APIView):
    permission_classes = [IsAuthenticated]
    InputSerializer: type[serializers.Serializer] = BreachDismissInput

    def perform(self, *, breach, user, data) -> None:  # pragma: no cover
        raise NotImplementedError

    def post(self, request: Request, breach_id: int) -> Response:
        breach = breach_get_for_user(user=request.user, breach_id=breach_id)
        data = validated(self.InputSerializer, request.data)
        self.perform(breach=breach, user=request.user, data=data)
        breach = breach_get_for_user(user=request.user, breach_id=breach_id)
        return Response(rendered(BreachOutput, breach))


def _action(name: str, summary: str, input_serializer, perform, service) -> type:
    return action_api(
        base=BreachActionApi,
        name=name,
        summary=summary,
        input_serializer=input_serializer,
        perform=perform,
        service=service,
        output=BreachOutput,
    )


BreachDecideApi = _action(
    "BreachDecideApi",
    "认定效能告诫／责任追究",
    BreachDecideInput,
    lambda *, breach, user, data: services.breach_decide(
        breach=breach,
        actor=user,
        measure=_measure(data["measure"]),
        reason=data["reason"],
    ),
    services.breach_decide,
)
BreachDismissApi = _action(
    "BreachDismissApi",
    "不予认定",
    BreachDismissInput,
    lambda *, breach, user, data: services.breach_dismiss(
        breach=breach, actor=user, reason=data["reason"]
    ),
    services.breach_dismiss,
)
BreachStatementApi = _action(
    "BreachStatementApi",
    "本人申辩",
    BreachStatementInput,
    lambda *, breach, user, data: services.breach_state(
        breach=breach, actor=user, text=data["text"]
    ),
    services.breach_state,
)

urlpatterns = [
    path("breaches/", BreachListCreateApi.as_view(), name="supervision-breach-list"),
    path(
        "breaches/<int:breach_id>/",
        BreachDetailApi.as_view(),
        name="supervision-breach-detail",
    ),
    path(
        "breaches/<int:breach_id>/decide/",
        BreachDecideApi.as_view(),
        name="supervision-breach-decide",
    ),
    path(
        "breaches/<int:breach_id>/dismiss/",
        BreachDismissApi.as_view(),
        name="supervision-breach-dismiss",
    ),
    path(
        "breaches/<int:breach_id>/statement/",
        BreachStatementApi.as_view(),
        name="supervision-breach-statement",
    ),
]
