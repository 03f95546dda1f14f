"""
API operations of 联办件, 转办 and 上报件, mounted with the other case actions
(``api_urls``); each answers with the case detail, which carries
``branches``, ``joint_due_date`` and ``report``.

- ``POST /api/v1/cases/{id}/refer/`` ``{"department": ID, "reason"}``: 转办
  to the competent department (it confirms with ``refer-confirm``); without
  ``department`` and with ``authority`` the old meaning stays: 不属于本机关职权,
  告知向有关机关申请 (Art. 32, closes the case);
- ``POST …/refer-confirm/`` ``{"clock_reset_basis"?}``;
- ``POST …/report-up/`` ``{"upper_authority", "opinion", "upper_limit_days"?}``;
  ``POST …/report-return/`` ``{"result"}``; ``GET …/report-package/``: the
  signed case package (ZIP); ``POST /api/v1/cases/packages/verify/``
  (multipart ``file``): verify one (400 ``package_tampered``);
  ``POST /api/v1/cases/packages/import/`` (multipart ``file``): import one —
  a 上报件 becomes a case here (201, again: 200 with the same id), a return
  package records the upper decision on the lower case;
  ``GET …/return-package/``: the upper decision as a signed package (ZIP);
- ``POST …/branches/{branch_id}/decide|step-complete|suspend|resume|extension-request|supplement/``
  (``step-complete`` ``{"step"?, "opinion"}``: the branch's next step; the last
  step is ``decide``);
  ``POST …/joint-supplement/`` (the lead window sends the combined 补正);
  ``POST …/joint-meeting/`` ``{"held_on", "minutes"}``.
"""

from django.http import HttpResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError, NotFoundError

from . import selectors, selectors_joint, services
from .apis import CaseActionApi, SuspendInput, _action, _detail, validated
from .case_package import case_package_build, package_verify
from .constants import Outcome
from .models_joint import CaseBranch


class ReferInput(serializers.Serializer):
    department = serializers.IntegerField(
        required=False, min_value=1, help_text="转办的接收部门编号（转办时必填）"
    )
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    authority = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        default="",
        help_text="不属于本机关职权时，应向其申请的机关（不填 department 时）",
    )


def _refer(*, case, user, data, **kw):
    """
    转办 a case to ``department`` (kept clock), or, without it, tell the
    applicant to apply to ``authority`` (Art. 32, closes the case).
    """
    if data.get("department") is not None:
        return services.referral_request(
            case=case, actor=user, department=data["department"], reason=data["reason"]
        )
    return services.case_refer(
        case=case, actor=user, reason=data["reason"], authority=data["authority"]
    )


CaseReferApi = _action("转办或告知向有关机关申请", ReferInput, _refer)


class ReferConfirmInput(serializers.Serializer):
    clock_reset_basis = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        required=False,
        default="",
        help_text="重新计时的法律依据；不填则时限不变",
    )


class _ReferConfirmBase(CaseActionApi):
    """The receiving department sees the case before it is theirs."""

    def post(self, request: Request, case_id: int, **kwargs) -> Response:
        case = selectors_joint.case_for_referral_get(user=request.user, case_id=case_id)
        self.perform(
            case=case,
            user=request.user,
            data=validated(self.InputSerializer, request.data),
            request=request,
        )
        return Response(_detail(case, request.user))


CaseReferConfirmApi = _action(
    "接收转办",
    ReferConfirmInput,
    lambda *, case, user, data, **kw: services.referral_confirm(
        case=case, actor=user, clock_reset_basis=data["clock_reset_basis"]
    ),
    base=_ReferConfirmBase,
)


class ReportUpInput(serializers.Serializer):
    upper_authority = serializers.CharField(max_length=200, allow_blank=True)
    opinion = serializers.CharField(max_length=5000, allow_blank=True)
    upper_limit_days = serializers.IntegerField(
        required=False, allow_null=True, default=None
    )


CaseReportUpApi = _action(
    "上报上级机关",
    ReportUpInput,
    lambda *, case, user, data, **kw: services.case_report_up(
        case=case,
        actor=user,
        upper_authority=data["upper_authority"],
        opinion=data["opinion"],
        upper_limit_days=data["upper_limit_days"],
    ),
)


class ResultInput(serializers.Serializer):
    result = serializers.CharField(max_length=5000, allow_blank=True)


CaseReportReturnApi = _action(
    "登记上级反馈",
    ResultInput,
    lambda *, case, user, data, **kw: services.case_report_return(
        case=case, actor=user, result=data["result"]
    ),
)


def _branch(case, branch_id) -> int:
    if not CaseBranch.objects.filter(pk=branch_id, case_id=case.pk).exists():
        raise NotFoundError("联办分支不存在。")
    return int(branch_id)


class BranchDecideInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    opinion = serializers.CharField(max_length=2000, allow_blank=True, default="")
    internal_note = serializers.CharField(
        max_length=2000, allow_blank=True, default="", required=False
    )


class BranchExtendInput(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class BranchStepCompleteInput(serializers.Serializer):
    step = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="当前环节编号（可选）"
    )
    opinion = serializers.CharField(max_length=2000, allow_blank=True, default="")


class BranchSupplementInput(serializers.Serializer):
    items = serializers.ListField(child=serializers.JSONField(), max_length=50)


BRANCH_ACTIONS = {
    "decide": _action(
        "联办分支作出决定",
        BranchDecideInput,
        lambda *, case, user, data, branch_id, **kw: services.branch_decide(
            branch=_branch(case, branch_id),
            actor=user,
            outcome=data["outcome"],
            opinion=data["opinion"],
            internal_note=data.get("internal_note", ""),
        ),
    ),
    "step-complete": _action(
        "联办分支环节办理完成",
        BranchStepCompleteInput,
        lambda *, case, user, data, branch_id, **kw: services.branch_step_complete(
            branch=_branch(case, branch_id),
            actor=user,
            step=data["step"],
            opinion=data["opinion"],
        ),
    ),
    "suspend": _action(
        "联办分支特别程序",
        SuspendInput,
        lambda *, case, user, data, branch_id, **kw: services.branch_suspend(
            branch=_branch(case, branch_id),
            actor=user,
            kind=data["kind"],
            reason=data["reason"],
            expected_days=data.get("expected_days"),
        ),
    ),
    "resume": _action(
        "联办分支恢复计时",
        serializers.Serializer,
        lambda *, case, user, data, branch_id, **kw: services.branch_resume(
            branch=_branch(case, branch_id), actor=user
        ),
    ),
    "extension-request": _action(
        "联办分支申请延期",
        BranchExtendInput,
        lambda *, case, user, data, branch_id, **kw: services.branch_extension_request(
            branch=_branch(case, branch_id),
            actor=user,
            days=data["days"],
            reason=data["reason"],
        ),
    ),
    "supplement": _action(
        "联办分支提出补正",
        BranchSupplementInput,
        lambda *, case, user, data, branch_id, **kw: services.branch_supplement_ask(
            branch=_branch(case, branch_id), actor=user, items=data["items"]
        ),
    ),
}


class JointSupplementInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, default="")


class JointMeetingInput(serializers.Serializer):
    held_on = serializers.DateField()
    minutes = serializers.CharField(max_length=20000, allow_blank=True)


JOINT_ACTIONS = {
    "refer": CaseReferApi,
    "refer-confirm": CaseReferConfirmApi,
    "report-up": CaseReportUpApi,
    "report-return": CaseReportReturnApi,
    "joint-supplement": _action(
        "牵头窗口合并告知补正",
        JointSupplementInput,
        lambda *, case, user, data, **kw: services.joint_supplement_send(
            case=case, actor=user, reason=data["reason"]
        ),
    ),
    "joint-meeting": _action(
        "登记联办会议纪要",
        JointMeetingInput,
        lambda *, case, user, data, **kw: services.joint_meeting_record(
            case=case, actor=user, held_on=data["held_on"], minutes=data["minutes"]
        ),
    ),
}


class CaseReportPackageApi(APIView):
    """The signed case package of a 上报件 (ZIP)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="下载上报案卷包",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, case_id: int) -> HttpResponse:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        from .permissions import can_report_up

        if not can_report_up(user=request.user, case=case):
            raise ApplicationError(
                "not_permitted", "只有本部门工作人员可以下载案卷包。", status=403
            )
        report = case.reports.order_by("-id").first()
        package, _digest = case_package_build(
            case=case,
            opinion=report.opinion if report else "",
            upper_authority=report.upper_authority if report else "",
        )
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{case.number}-package.zip"'
        )
        return response


class PackageVerifyApi(APIView):
    """Verify a signed case package; refuse a tampered one."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="校验（导入）案卷包",
        request=inline_serializer("PackageUpload", {"file": serializers.FileField()}),
        responses=inline_serializer(
            "PackageVerified",
            {
                "number": serializers.CharField(),
                "item": serializers.JSONField(),
                "department": serializers.CharField(),
                "lower_opinion": serializers.CharField(),
                "files": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        from .permissions import is_staff_member

        if not is_staff_member(request.user):
            raise ApplicationError(
                "not_permitted", "只有工作人员可以导入案卷包。", status=403
            )
        upload = request.FILES.get("file")
        body = package_verify(upload.read() if upload is not None else b"")
        return Response(
            {
                "number": body.get("number", ""),
                "item": body.get("item", {}),
                "department": body.get("department", ""),
                "lower_opinion": body.get("lower_opinion", ""),
                "files": len(body.get("materials", [])) + len(body.get("notices", [])),
            }
        )


class PackageImportApi(APIView):
    """
    Import a signed package (上报件收件 / 上级决定反馈): a case package becomes
    a case of this installation (201; the same package again: 200 with the
    same case); a return package records the upper decision on the lower
    case (201).
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="导入案卷包（上报件收件或上级决定）",
        request=inline_serializer(
            "PackageImportUpload", {"file": serializers.FileField()}
        ),
        responses={
            (code, "application/json"): inline_serializer(
                f"PackageImported{code}",
                {
                    "kind": serializers.ChoiceField(choices=["report", "return"]),
                    "created": serializers.BooleanField(),
                    "id": serializers.IntegerField(help_text="本系统办件编号（id）"),
                    "number": serializers.CharField(),
                    "origin_number": serializers.CharField(),
                    "origin_authority": serializers.CharField(),
                    "package_sha256": serializers.CharField(),
                },
            )
            for code in (200, 201)
        },
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        receipt, created = services.package_import(
            actor=request.user, data=upload.read() if upload is not None else b""
        )
        return Response(
            {
                "kind": receipt.kind,
                "created": created,
                "id": receipt.case_id,
                "number": receipt.case.number,
                "origin_number": receipt.origin_number,
                "origin_authority": receipt.origin_authority,
                "package_sha256": receipt.package_sha256,
            },
            status=201 if created else 200,
        )


class CaseReturnPackageApi(APIView):
    """The signed return package of an imported 上报件, once decided (ZIP)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="下载上级决定反馈包",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, case_id: int) -> HttpResponse:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        package, _digest = services.return_package_build(case=case, actor=request.user)
        response = HttpResponse(package, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{case.number}-return.zip"'
        )
        return response


for _name, _cls in (
    ("CaseReferApi", CaseReferApi),
    ("CaseReferConfirmApi", CaseReferConfirmApi),
    ("CaseReportUpApi", CaseReportUpApi),
    ("CaseReportReturnApi", CaseReportReturnApi),
    ("CaseJointSupplementApi", JOINT_ACTIONS["joint-supplement"]),
    ("CaseJointMeetingApi", JOINT_ACTIONS["joint-meeting"]),
    *(
        ("CaseBranch" + "".join(p.capitalize() for p in slug.split("-")) + "Api", view)
        for slug, view in BRANCH_ACTIONS.items()
    ),
):
    _cls.__name__ = _cls.__qualname__ = _name
