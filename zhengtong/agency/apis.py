"""
/api/v1/agency/…: 代办/帮办, green channel marks, 四办 projects, 统一出件.

- ``GET|POST officers/`` the 代办员 roster (staff read; admin registers)
- ``GET|POST assignments/`` ``{"case", "kind", "needs"?}`` → 201 (applicant);
  ``GET assignments/{id}/``; ``POST assignments/{id}/assign/``
  ``{"officer"}``, ``…/authorise/`` ``{"method", "note"?}`` (+ ``file``),
  ``…/close/`` ``{"withdraw"?}``, ``…/supplement/`` ``{"note"}`` (+ files,
  the officer), ``…/delivery-preference/`` ``{"method", "mail_address"?}``
- ``POST cases/{id}/delivery-preference/`` (the applicant),
  ``POST cases/{id}/mark/`` and ``POST tickets/{id}/mark/`` ``{"kind", "basis"}``
- ``GET marks/counts/?date_from&date_to&group``
- ``POST projects/check/``; ``GET|POST projects/``; ``GET projects/{id}/``;
  ``POST projects/{id}/advance/`` ``{"note"}``
- ``GET handover/?hall=``; ``POST handover/{case_id}/`` ``{"method",
  "counter"?, "identity_check"?, "id_number"?, "recipient"?, "tracking"?}``;
  ``POST handover/{case_id}/notify/``

Errors are ``{"code", "message"}`` with stable codes (constants.ErrorCode).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import path

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.cases.selectors import case_get_for_user
from zhengtong.catalog.models import Region
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.inputs import ID_MAX
from zhengtong.core.masking import mask_address, mask_id_number, mask_name
from zhengtong.queueing.selectors import counter_get_for_staff, ticket_get_for_staff

from . import permissions, selectors, services
from .constants import (
    AssignmentKind,
    ConsentMethod,
    ErrorCode,
    HandoverMethod,
    IdentityCheck,
    MarkKind,
    ProjectStage,
    Sector,
)

MAX_ROWS = 200
WAN = {"max_digits": 14, "decimal_places": 2, "min_value": 0, "required": False}


def _input(cls: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    data = request.data if isinstance(request.data, dict) else None
    if data is None and hasattr(request.data, "dict"):
        data = request.data.dict()
    serializer = cls(data=data if data is not None else request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _staff(user: Any) -> None:
    if not permissions.is_staff_member(user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有工作人员可以查看。", status=403
        )


class AgencyApi(APIView):
    permission_classes = [IsAuthenticated]


# -- shapes -------------------------------------------------------------------


def officer_row(officer: Any) -> dict[str, Any]:
    return {
        "id": officer.pk,
        "user": officer.user_id,
        "name": str(officer.user),
        "qualification": officer.qualification,
        "certificate_number": officer.certificate_number,
        "qualified_on": officer.qualified_on,
        "valid_until": officer.valid_until,
        "is_active": officer.is_active,
        "qualified": permissions.officer_is_qualified(officer=officer),
    }


def assignment_row(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "case": a.case_id,
        "case_number": a.case.number,
        "applicant": mask_name(a.case.applicant_name),
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "status": a.status,
        "status_label": a.get_status_display(),
        "needs": a.needs,
        "officer": {"id": a.officer_id, "name": str(a.officer.user)}
        if a.officer
        else None,
        "consent_method": a.consent_method,
        "authorised_at": a.authorised_at,
        "fee": 0,  # 代办 is free of charge
    }


def project_row(p: Any, *, stages: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": p.pk,
        "number": p.number,
        "name": p.name,
        "enterprise": p.enterprise,
        "sector": p.sector,
        "stage": p.stage,
        "stage_label": p.get_stage_display(),
        "follow_up_officer": {
            "id": p.follow_up_officer_id,
            "name": str(p.follow_up_officer),
        },
        "major_reasons": p.major_reasons,
        "windows": p.windows,
        "case": p.case_id,
    }
    if stages:
        row["stages"] = [
            {
                "stage": s.stage,
                "label": s.get_stage_display(),
                "note": s.note,
                "actor": str(s.actor),
                "recorded_at": s.recorded_at,
            }
            for s in p.stages.select_related("actor")
        ]
    return row


def desk_row(case: Any) -> dict[str, Any]:
    handover = getattr(case, "handover", None)
    return {
        "id": case.pk,
        "number": case.number,
        "item": case.item_version.name,
        "department": case.department.name,
        "applicant": mask_name(case.applicant_name),
        "applicant_id": mask_id_number(case.applicant_id_number),
        "outcome": case.outcome,
        "decided_at": case.decided_at,
        "preferred_method": handover.preferred_method if handover else "",
        "mail_address": mask_address(handover.mail_address) if handover else "",
    }


def _rows(qs: Any, fn: Any) -> list[dict[str, Any]]:
    return [fn(x) for x in qs[:MAX_ROWS]]


# -- officers -----------------------------------------------------------------


class OfficerInput(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    qualification = serializers.CharField(max_length=200)
    certificate_number = serializers.CharField(max_length=60)
    qualified_on = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True)


class OfficerListApi(AgencyApi):
    """代办员名册 / 登记代办员"""

    @extend_schema(summary="代办员名册", responses={200: dict})
    def get(self, request: Request) -> Response:
        _staff(request.user)
        return Response({"results": _rows(selectors.officer_list(), officer_row)})

    @extend_schema(summary="登记代办员", request=OfficerInput, responses={201: dict})
    def post(self, request: Request) -> Response:
        permissions.check_manage_agency(user=request.user)
        v = _input(OfficerInput, request)
        user = get_user_model().objects.filter(pk=v.pop("user")).first()
        if user is None:
            raise NotFoundError("工作人员不存在。")
        officer = services.officer_register(actor=request.user, user=user, **v)
        return Response(officer_row(officer), status=201)


# -- assignments --------------------------------------------------------------


class AssignmentCreateInput(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    needs = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AssignmentListApi(AgencyApi):
    """代办列表 / 申请代办帮办"""

    @extend_schema(summary="代办列表", responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = selectors.assignment_list_for_user(
            user=request.user, open_only=request.query_params.get("open") == "1"
        )
        return Response({"results": _rows(qs, assignment_row)})

    @extend_schema(
        summary="申请代办帮办", request=AssignmentCreateInput, responses={201: dict}
    )
    def post(self, request: Request) -> Response:
        v = _input(AssignmentCreateInput, request)
        case = case_get_for_user(user=request.user, case_id=v["case"])
        assignment = services.assignment_request(
            case=case, actor=request.user, kind=v["kind"], needs=v.get("needs", "")
        )
        return Response(assignment_row(assignment), status=201)


class AssignmentDetailApi(AgencyApi):
    """代办详情"""

    @extend_schema(summary="代办详情", responses={200: dict})
    def get(self, request: Request, assignment_id: int) -> Response:
        a = selectors.assignment_get_for_user(
            user=request.user, assignment_id=assignment_id
        )
        return Response(assignment_row(a))


class AssignInput(serializers.Serializer):
    officer = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class AuthoriseInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_empty_file=False)


class CloseInput(serializers.Serializer):
    withdraw = serializers.BooleanField(required=False, default=False)


class SupplementInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PreferenceInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=HandoverMethod.choices)
    mail_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True
    )


class AssignmentActionApi(AgencyApi):
    """One action on a 代办 record (``action`` from the URL)."""

    action = ""

    @extend_schema(summary="代办操作", responses={200: dict})
    def post(self, request: Request, assignment_id: int) -> Response:
        user = request.user
        a = selectors.assignment_get_for_user(user=user, assignment_id=assignment_id)
        if self.action == "assign":
            v = _input(AssignInput, request)
            permissions.check_manage_agency(user=user)
            officer = selectors.officer_get(officer_id=v["officer"])
            a = services.assignment_assign(assignment=a, actor=user, officer=officer)
        elif self.action == "authorise":
            v = _input(AuthoriseInput, request)
            a = services.assignment_authorise(
                assignment=a,
                actor=user,
                method=v["method"],
                note=v.get("note", ""),
                file=v.get("file"),
            )
        elif self.action == "close":
            v = _input(CloseInput, request)
            a = services.assignment_close(
                assignment=a, actor=user, withdraw=v["withdraw"]
            )
        elif self.action == "supplement":
            v = _input(SupplementInput, request)
            files = [(None, f) for f in request.FILES.getlist("files")]
            services.assignment_supplement_submit(
                assignment=a, actor=user, note=v.get("note", ""), files=files
            )
        else:
            v = _input(PreferenceInput, request)
            services.handover_preference_set(
                case=a.case,
                actor=user,
                method=v["method"],
                mail_address=v.get("mail_address", ""),
                assignment=a,
            )
        a = selectors.assignment_get_for_user(user=user, assignment_id=a.pk)
        return Response(assignment_row(a))


def _action(name: str) -> Any:
    return type(
        f"Assignment{name.title()}Api", (AssignmentActionApi,), {"action": name}
    ).as_view()


# -- the applicant's preference, marks ---------------------------------------


class CasePreferenceApi(AgencyApi):
    """登记领取方式（申请人）"""

    @extend_schema(
        summary="登记领取方式", request=PreferenceInput, responses={200: dict}
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=request.user, case_id=case_id)
        v = _input(PreferenceInput, request)
        h = services.handover_preference_set(
            case=case,
            actor=request.user,
            method=v["method"],
            mail_address=v.get("mail_address", ""),
        )
        return Response(
            {
                "case": case.pk,
                "preferred_method": h.preferred_method,
                "pickup_place": selectors.case_pickup_place(case=case),
            }
        )


class MarkInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MarkKind.choices)
    basis = serializers.CharField(max_length=300)


def mark_row(mark: Any) -> dict[str, Any]:
    return {
        "id": mark.pk,
        "kind": mark.kind,
        "kind_label": mark.get_kind_display(),
        "basis": mark.basis,
        "case": mark.case_id,
        "ticket": mark.ticket_id,
        "marked_on": mark.marked_on,
    }


class CaseMarkApi(AgencyApi):
    """办件标记绿色通道"""

    @extend_schema(summary="办件标记绿色通道", request=MarkInput, responses={201: dict})
    def post(self, request: Request, case_id: int) -> Response:
        permissions.check_mark_priority(user=request.user)
        case = case_get_for_user(user=request.user, case_id=case_id)
        v = _input(MarkInput, request)
        mark = services.priority_mark_case(case=case, actor=request.user, **v)
        return Response(mark_row(mark), status=201)


class TicketMarkApi(AgencyApi):
    """排队号标记绿色通道"""

    @extend_schema(
        summary="排队号标记绿色通道", request=MarkInput, responses={201: dict}
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_get_for_staff(user=request.user, ticket_id=ticket_id)
        v = _input(MarkInput, request)
        mark = services.priority_mark_ticket(ticket=ticket, actor=request.user, **v)
        return Response(mark_row(mark), status=201)


class MarkCountsInput(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group = serializers.ChoiceField(
        choices=["kind", "target", "month", "department"], default="kind"
    )


class MarkCountsApi(AgencyApi):
    """绿色通道统计"""

    @extend_schema(summary="绿色通道统计", responses={200: dict})
    def get(self, request: Request) -> Response:
        _staff(request.user)
        s = MarkCountsInput(data=request.query_params.dict())
        s.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(s.validated_data)
        if (v["date_to"] - v["date_from"]).days > 3660:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "统计区间不能超过十年。")
        return Response({"results": selectors.mark_counts(**v)})


# -- 四办 -----------------------------------------------------------------------


class ProjectAmountsInput(serializers.Serializer):
    region = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True
    )
    sector = serializers.ChoiceField(choices=Sector.choices)
    registered_capital_wan = serializers.DecimalField(**WAN)
    foreign_capital_usd_wan = serializers.DecimalField(**WAN)
    total_investment_wan = serializers.DecimalField(**WAN)


class ProjectInput(ProjectAmountsInput):
    name = serializers.CharField(max_length=200)
    enterprise = serializers.CharField(max_length=200)
    follow_up_officer = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    case = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True
    )
    windows = serializers.IntegerField(min_value=1, max_value=50, default=1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


def _region(v: dict[str, Any]) -> None:
    region_id = v.pop("region", None)
    v["region"] = None
    if region_id:
        v["region"] = Region.objects.filter(pk=region_id).first()
        if v["region"] is None:
            raise NotFoundError("区划不存在。")


class ProjectCheckApi(AgencyApi):
    """重大项目认定（试算）"""

    @extend_schema(
        summary="重大项目认定", request=ProjectAmountsInput, responses={200: dict}
    )
    def post(self, request: Request) -> Response:
        _staff(request.user)
        v = _input(ProjectAmountsInput, request)
        _region(v)
        verdict = services.major_project_check(**v)
        return Response(
            {"is_major": verdict.is_major, "reasons": list(verdict.reasons)}
        )


class ProjectListApi(AgencyApi):
    """四办项目列表 / 接待登记"""

    @extend_schema(summary="四办项目列表", responses={200: dict})
    def get(self, request: Request) -> Response:
        _staff(request.user)
        stage = request.query_params.get("stage") or None
        if stage and stage not in ProjectStage.values:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "环节参数不正确。")
        qs = selectors.project_list_for_user(user=request.user, stage=stage)
        return Response({"results": _rows(qs, project_row)})

    @extend_schema(
        summary="重大项目接待登记", request=ProjectInput, responses={201: dict}
    )
    def post(self, request: Request) -> Response:
        permissions.check_manage_agency(user=request.user)
        v = _input(ProjectInput, request)
        _region(v)
        officer = get_user_model().objects.filter(pk=v.pop("follow_up_officer")).first()
        if officer is None:
            raise NotFoundError("跟踪责任人不存在。")
        case_id = v.pop("case", None)
        case = (
            case_get_for_user(user=request.user, case_id=case_id) if case_id else None
        )
        project = services.major_project_register(
            actor=request.user, follow_up_officer=officer, case=case, **v
        )
        return Response(project_row(project, stages=True), status=201)


class ProjectDetailApi(AgencyApi):
    """四办项目详情"""

    @extend_schema(summary="四办项目详情", responses={200: dict})
    def get(self, request: Request, project_id: int) -> Response:
        p = selectors.project_get_for_user(user=request.user, project_id=project_id)
        return Response(project_row(p, stages=True))


class AdvanceInput(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


class ProjectAdvanceApi(AgencyApi):
    """推进四办环节"""

    @extend_schema(summary="推进四办环节", request=AdvanceInput, responses={200: dict})
    def post(self, request: Request, project_id: int) -> Response:
        p = selectors.project_get_for_user(user=request.user, project_id=project_id)
        v = _input(AdvanceInput, request)
        p = services.major_project_advance(project=p, actor=request.user, **v)
        return Response(project_row(p, stages=True))


# -- 统一出件 ---------------------------------------------------------------------


class HandoverInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=HandoverMethod.choices)
    counter = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False, allow_null=True
    )
    identity_check = serializers.ChoiceField(
        choices=IdentityCheck.choices, required=False, allow_blank=True
    )
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    recipient = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tracking = serializers.CharField(max_length=60, required=False, allow_blank=True)


class HandoverDeskApi(AgencyApi):
    """统一出件台：待出件办件"""

    @extend_schema(summary="待出件办件", responses={200: dict})
    def get(self, request: Request) -> Response:
        qs = selectors.handover_desk_list(
            user=request.user, hall_id=request.query_params.get("hall")
        )
        return Response({"results": _rows(qs, desk_row)})


class HandoverRecordApi(AgencyApi):
    """办理出件"""

    @extend_schema(summary="办理出件", request=HandoverInput, responses={200: dict})
    def post(self, request: Request, case_id: int) -> Response:
        permissions.check_hand_over(user=request.user)
        case = selectors.handover_case_get(user=request.user, case_id=case_id)
        v = _input(HandoverInput, request)
        counter_id = v.pop("counter", None)
        counter = (
            counter_get_for_staff(user=request.user, counter_id=counter_id)
            if counter_id
            else None
        )
        h = services.handover_record(
            case=case, actor=request.user, counter=counter, **v
        )
        return Response(
            {
                "case": case.pk,
                "method": h.method,
                "identity_check": h.identity_check,
                "recipient": mask_name(h.recipient),
                "tracking": h.tracking,
                "counter": h.counter_id,
                "handed_at": h.handed_at,
            }
        )


class HandoverNotifyApi(AgencyApi):
    """通知申请人领取"""

    @extend_schema(summary="通知申请人领取", request=None, responses={200: dict})
    def post(self, request: Request, case_id: int) -> Response:
        permissions.check_hand_over(user=request.user)
        case = selectors.handover_case_get(user=request.user, case_id=case_id)
        services.handover_notify_ready(case=case, actor=request.user)
        return Response({"case": case.pk, "notified": True})


urlpatterns = [
    path("officers/", OfficerListApi.as_view(), name="agency-officers"),
    path("assignments/", AssignmentListApi.as_view(), name="agency-assignments"),
    path(
        "assignments/<int:assignment_id>/",
        AssignmentDetailApi.as_view(),
        name="agency-assignment",
    ),
    *[
        path(
            f"assignments/<int:assignment_id>/{slug}/",
            _action(name),
            name=f"agency-assignment-{slug}",
        )
        for slug, name in (
            ("assign", "assign"),
            ("authorise", "authorise"),
            ("close", "close"),
            ("supplement", "supplement"),
            ("delivery-preference", "preference"),
        )
    ],
    path(
        "cases/<int:case_id>/delivery-preference/",
        CasePreferenceApi.as_view(),
        name="agency-case-preference",
    ),
    path("cases/<int:case_id>/mark/", CaseMarkApi.as_view(), name="agency-case-mark"),
    path(
        "tickets/<int:ticket_id>/mark/",
        TicketMarkApi.as_view(),
        name="agency-ticket-mark",
    ),
    path("marks/counts/", MarkCountsApi.as_view(), name="agency-mark-counts"),
    path("projects/check/", ProjectCheckApi.as_view(), name="agency-project-check"),
    path("projects/", ProjectListApi.as_view(), name="agency-projects"),
    path(
        "projects/<int:project_id>/",
        ProjectDetailApi.as_view(),
        name="agency-project",
    ),
    path(
        "projects/<int:project_id>/advance/",
        ProjectAdvanceApi.as_view(),
        name="agency-project-advance",
    ),
    path("handover/", HandoverDeskApi.as_view(), name="agency-handover-desk"),
    path(
        "handover/<int:case_id>/",
        HandoverRecordApi.as_view(),
        name="agency-handover",
    ),
    path(
        "handover/<int:case_id>/notify/",
        HandoverNotifyApi.as_view(),
        name="agency-handover-notify",
    ),
]
