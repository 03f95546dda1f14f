"""
The cases API, mounted at /api/v1/cases/: thin views over services and
selectors. Errors are JSON ``{"code", "message"}`` (api.exceptions).
"""

import hashlib
import json

from django.http import FileResponse

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.accounts.identity import IdType, SubjectKind
from zhengtong.accounts.models import User
from zhengtong.api.parsers import StrictJSONParser
from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.bundles import services as bundle_services
from zhengtong.bundles.serializers import (
    BundleCreatedOutput,
    BundleCreateInput,
    bundle_created_payload,
)
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.limits import PublicLookupThrottle

from . import permissions, selectors, selectors_joint, services
from .api_docs import action_schema
from .constants import Channel, Outcome
from .documents import document_render
from .models import CaseStep, Notification
from .serializers import (
    LIST_COLUMNS,
    CaseCreatedOutput,
    CaseDetailOutput,
    CaseListItemOutput,
    CaseMaterialOutput,
    DocumentOutput,
    NotificationOutput,
    PublicLookupOutput,
)
from .workflow import case_allowed_actions

MAX_PAGE = 100


def _item_by_code(code: str) -> ServiceItem:
    item = selectors.item_for_application_get(code=code)
    if item is None:
        raise ApplicationError(
            "item_not_found", f"未找到事项编码为“{code[:80]}”的事项。"
        )
    return item


def _detail(case, user) -> dict:
    """
    Return the detail payload of a case (or case id) as seen by ``user``:
    ``CaseDetailOutput`` of the case with its item, version and department
    from one statement and its lists as plain rows
    (``selectors.case_detail_lists_get``; 7 statements instead of 9 ORM
    queries).
    """
    case_id = case if isinstance(case, int) else case.pk
    c = selectors.case_for_detail_get(user=user, case_id=case_id)
    lists = selectors.case_detail_lists_get(case=c)
    c._suspensions = lists["suspensions"]
    c._extensions = lists["extensions"]
    c._steps = lists["steps"]
    c._materials = lists["materials"]
    c._supplements = lists["supplement_requests"]
    c._events = lists["events"]
    c._actions = case_allowed_actions(case=c, user=user)
    c._branches = selectors_joint.case_branches_rows(case=c, user=user)
    c._joint_due_date = selectors_joint.case_joint_due_date(c)
    c._report = selectors_joint.case_report_current(case=c)
    return rendered(CaseDetailOutput, c)


class CaseCreateInput(serializers.Serializer):
    item_code = serializers.CharField(max_length=120)
    form_data = serializers.JSONField(required=False, default=dict)
    channel = serializers.ChoiceField(
        choices=[Channel.ONLINE, Channel.MOBILE, Channel.KIOSK], default=Channel.ONLINE
    )
    submit = serializers.BooleanField(default=True)
    applicant_id = serializers.IntegerField(
        required=False, help_text="代理申请时为委托人的用户编号（须有有效代理授权）"
    )


def _created(case) -> dict:
    return rendered(CaseCreatedOutput, case)


class CaseListCreateApi(APIView):
    """List visible cases (keyset paging) or submit a new application."""

    permission_classes = [IsAuthenticated]
    InputSerializer = CaseCreateInput

    @extend_schema(
        summary="办件列表",
        operation_id="cases_list",
        parameters=[
            OpenApiParameter("inbox", str, enum=list(selectors.Inbox.LABELS)),
            OpenApiParameter("status", str),
            OpenApiParameter("q", str, description="办件编号或申请人名称前缀"),
            OpenApiParameter(
                "before", int, description="上一页最后一条的 id（键集分页）"
            ),
            OpenApiParameter("page_size", int, description="每页条数，最多100"),
        ],
        responses=inline_serializer(
            "CaseListOutput",
            {
                "results": CaseListItemOutput(many=True),
                "next": serializers.CharField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.case_list_for_user(
            user=request.user,
            inbox=request.query_params.get("inbox") or None,
            status=request.query_params.get("status") or None,
            q=request.query_params.get("q") or None,
        )
        try:
            size = min(MAX_PAGE, max(1, int(request.query_params.get("page_size", 20))))
            before = request.query_params.get("before")
            if before:
                qs = qs.filter(id__lt=int(before))
        except ValueError:
            raise ApplicationError("invalid_input", "分页参数须为整数。") from None
        rows = list(qs.values(*LIST_COLUMNS)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        next_url = None
        if more:
            params = request.query_params.copy()
            params["before"] = str(rows[-1]["id"])
            next_url = (
                request.build_absolute_uri(request.path) + "?" + params.urlencode()
            )
        return Response(
            {"results": rendered_many(CaseListItemOutput, rows), "next": next_url}
        )

    @extend_schema(
        summary="提交申请（创建办件）",
        description=(
            "两种请求体，二选一：带 `item_code` 申请单个事项，答复办件"
            "（`CaseCreatedOutput`）；带 `bundle_code` 与 `answers` 申请一件事，"
            "按情形回答为每个适用事项创建子办件，答复一件事申请及其子办件"
            "（`BundleCreatedOutput`）。两者都接受 `Idempotency-Key`。"
        ),
        request=PolymorphicProxySerializer(
            component_name="CaseOrBundleCreateInput",
            serializers=[CaseCreateInput, BundleCreateInput],
            resource_type_field_name=None,
        ),
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: PolymorphicProxySerializer(
                component_name="CaseOrBundleCreatedOutput",
                serializers=[CaseCreatedOutput, BundleCreatedOutput],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request: Request) -> Response:
        user = request.user
        permissions.check_submit(user=user)  # before the body: 403 comes first
        if isinstance(request.data, dict) and "bundle_code" in request.data:
            return self._bundle(request, user)  # 一件事: sub-cases through case_create
        v = validated(CaseCreateInput, request.data)
        applicant, agent = user, None
        if v.get("applicant_id") and v["applicant_id"] != user.pk:
            applicant = User.objects.filter(
                pk=v["applicant_id"], is_active=True
            ).first()
            if applicant is None:
                raise ApplicationError(
                    "agent_not_authorised",
                    "您没有该申请人有效的代理授权，不能代为申请。",
                    status=403,
                )
            agent = user
        case = self._create(request, user, v, applicant=applicant, agent=agent)
        return Response(_created(case), status=201)

    @staticmethod
    def _bundle(request, user) -> Response:
        v = validated(BundleCreateInput, request.data)
        application = bundle_services.bundle_application_submit(
            bundle_code=v["bundle_code"],
            applicant=user,
            actor=user,
            answers=v["answers"],
            form_data=v["form_data"],
            channel=v["channel"],
            delivery_method=v["delivery_method"],
            delivery_address=v["delivery_address"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            idempotency_fingerprint=_fingerprint(v),
        )
        return Response(bundle_created_payload(application), status=201)

    @staticmethod
    def _create(request, user, v: dict, *, applicant=None, agent=None):
        return services.case_create(
            applicant=applicant or user,
            agent=agent,
            item=_item_by_code(v["item_code"]),
            actor=user,
            channel=v["channel"],
            form_data=v["form_data"] if isinstance(v["form_data"], dict) else None,
            submit=v["submit"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            idempotency_fingerprint=_fingerprint(v),
        )


def _fingerprint(validated_input: dict) -> str:
    """SHA-256 of the validated request (key order and spacing do not count)."""
    text = json.dumps(validated_input, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class CaseIntakeInput(serializers.Serializer):
    item_code = serializers.CharField(max_length=120)
    display_name = serializers.CharField(max_length=100)
    subject_kind = serializers.ChoiceField(
        choices=SubjectKind.choices, default=SubjectKind.PERSON
    )
    id_type = serializers.ChoiceField(
        choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    org_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    credit_code = serializers.CharField(
        max_length=18, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    legal_representative = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    agent_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    agent_id_type = serializers.ChoiceField(
        choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    agent_id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    form_data = serializers.JSONField(required=False, default=dict)


class CaseCounterIntakeApi(APIView):
    """Counter intake: staff register a walk-in applicant's case."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, StrictJSONParser]
    InputSerializer = CaseIntakeInput

    @extend_schema(
        summary="窗口收件", request=InputSerializer, responses={201: CaseCreatedOutput}
    )
    def post(self, request: Request) -> Response:
        v = validated(self.InputSerializer, request.data)
        item = _item_by_code(v["item_code"])
        case = services.case_counter_intake_walk_in(
            actor=request.user,
            item=item,
            display_name=v["display_name"],
            id_type=v["id_type"],
            id_number=v["id_number"],
            phone=v["phone"],
            subject_kind=v["subject_kind"],
            org_name=v["org_name"],
            credit_code=v["credit_code"],
            legal_representative=v["legal_representative"],
            agent_name=v["agent_name"],
            agent_id_type=v["agent_id_type"],
            agent_id_number=v["agent_id_number"],
            address=v["address"],
            form_data=v["form_data"] if isinstance(v["form_data"], dict) else None,
            files=[(None, f) for f in request.FILES.getlist("files")],
        )
        return Response(_created(case), status=201)


class CaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="办件详情", responses=CaseDetailOutput)
    def get(self, request: Request, case_id: int) -> Response:
        return Response(_detail(int(case_id), request.user))


class CaseDocumentListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="办件文书列表", responses=DocumentOutput(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(DocumentOutput(case.documents.order_by("id"), many=True).data)


class CaseDocumentDownloadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="下载文书PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def get(self, request: Request, document_id: int):
        document = selectors.case_document_get_for_user(
            user=request.user, document_id=document_id
        )
        document_render(document)
        filename = f"{document.case.number}-{document.get_kind_display()}.pdf"
        return FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=filename,
        )


class MaterialUploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    material_id = serializers.IntegerField(required=False)
    name = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class CaseMaterialListApi(APIView):
    """List a case's files or upload one (multipart: file, material_id, name)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    InputSerializer = MaterialUploadInput

    @extend_schema(summary="办件材料列表", responses=CaseMaterialOutput(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(
            CaseMaterialOutput(case.materials.order_by("id"), many=True).data
        )

    @extend_schema(
        summary="上传办件材料",
        request=InputSerializer,
        responses={201: CaseMaterialOutput},
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.case_material_add(
            case=case,
            actor=request.user,
            file=data.validated_data["file"],
            material=data.validated_data.get("material_id"),
            name=data.validated_data["name"],
        )
        return Response(CaseMaterialOutput(row).data, status=201)


class CaseMaterialDownloadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="下载办件材料",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, material_id: int):
        row = selectors.case_material_get_for_user(
            user=request.user, material_id=material_id
        )
        return FileResponse(
            row.file.open("rb"),
            content_type=row.content_type,
            as_attachment=True,
            filename=row.original_name,
        )


class CaseSupplementProposalApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="补正清单建议",
        responses=inline_serializer(
            "SupplementProposalItem",
            {
                "material_id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "problem": serializers.CharField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        return Response(services.case_supplement_proposal(case=case))


# -- actions -----------------------------------------------------------------


class CaseActionApi(APIView):
    """Base of POST /api/v1/cases/{id}/<action>/: validate, call, return detail."""

    permission_classes = [IsAuthenticated]
    summary = ""

    InputSerializer: type = serializers.Serializer

    def perform(self, *, case, user, data: dict, request: Request, **kwargs) -> None:
        raise NotImplementedError

    def post(self, request: Request, case_id: int, **kwargs) -> Response:
        case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        self.perform(
            case=case,
            user=request.user,
            data=validated(self.InputSerializer, request.data),
            request=request,
            **kwargs,
        )
        return Response(_detail(case, request.user))


def _action(summary: str, input_serializer, perform, base=None):
    """Build a thin action API class from an input shape and a call."""
    attrs = {
        "summary": summary,
        "InputSerializer": input_serializer,
        "perform": lambda self, **kw: perform(**kw),
        "__doc__": summary,
    }
    cls = type(
        "Case" + "".join(p.capitalize() for p in summary.split()) + "Api",
        (base or CaseActionApi,),
        attrs,
    )
    # The schema goes on the class: ``post`` is one function shared by every
    # action, and decorating it made the last action's summary (改派承办人)
    # every action's. Description, state changes and error codes are derived
    # from the service the call performs (api_docs).
    return extend_schema(
        **action_schema(
            summary=summary,
            input_serializer=input_serializer,
            perform=perform,
            output=CaseDetailOutput,
        )
    )(cls)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class AcceptInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    tolerated_material_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    tolerance_days = serializers.IntegerField(required=False, min_value=1, max_value=60)


class AcceptImmediatelyInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, default=Outcome.APPROVE)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    result_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class SupplementRequestInput(serializers.Serializer):
    missing = serializers.ListField(
        child=serializers.JSONField(), required=False, default=list
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )


class SupplementInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )
    material_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    supplement_lines = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=list,
        help_text="每个文件所答补正告知事项的序号（从0起，对应告知清单 items）；"
        "未给出时按 material_ids 归入要求该材料的事项。",
    )


class ReferInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    authority = serializers.CharField(max_length=200, allow_blank=True)


class SuspendInput(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=4000, allow_blank=True)
    expected_days = serializers.IntegerField(required=False)


class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class DecideInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=10)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )
    result_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    valid_until = serializers.DateField(required=False)


class CertificateInput(serializers.Serializer):
    result_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )


class DeliverInput(serializers.Serializer):
    method = serializers.CharField(max_length=20)
    recipient = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    delivered_on = serializers.DateField(required=False, allow_null=True, default=None)
    tracking = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60
    )


class StepInput(serializers.Serializer):
    opinion = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000
    )


class ReassignInput(serializers.Serializer):
    assignee_id = serializers.IntegerField()
    reason = serializers.CharField(max_length=1000, allow_blank=True)


def _supplement(*, case, user, data, request, **kw):
    files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
    ids = data.get("material_ids") or []
    lines = data.get("supplement_lines") or []
    pairs, line_files = [], []
    for i, f in enumerate(files):
        if i < len(lines):
            line_files.append((lines[i], f))
        else:
            pairs.append((ids[i] if i < len(ids) else None, f))
    services.case_supplement_submit(
        case=case, actor=user, note=data["note"], files=pairs, line_files=line_files
    )


def _step(case, step_id):
    if not CaseStep.objects.filter(case=case, pk=step_id).exists():
        raise NotFoundError("办理环节不存在。")
    return step_id


def _reassign(*, case, user, data, step_id, **kw):
    assignee = User.objects.filter(pk=data["assignee_id"]).first()
    if assignee is None:
        raise ApplicationError("invalid_assignee", "承办人不存在。")
    services.case_step_reassign(
        case=case,
        actor=user,
        assignee=assignee,
        reason=data["reason"],
        step=_step(case, step_id),
    )


CaseSubmitApi = _action(
    "提交草稿",
    NoteInput,
    lambda *, case, user, **kw: services.case_submit(case=case, actor=user),
)
CaseAcceptApi = _action(
    "受理",
    AcceptInput,
    lambda *, case, user, data, **kw: services.case_accept(
        case=case,
        actor=user,
        note=data["note"],
        tolerated_material_ids=data["tolerated_material_ids"],
        tolerance_days=data.get("tolerance_days"),
    ),
)
CaseAcceptImmediatelyApi = _action(
    "即办件当场办结",
    AcceptImmediatelyInput,
    lambda *, case, user, data, **kw: services.case_accept_immediately(
        case=case, actor=user, **data
    ),
)
CaseRequestSupplementApi = _action(
    "一次性告知补正",
    SupplementRequestInput,
    lambda *, case, user, data, **kw: services.case_supplement_request(
        case=case, actor=user, missing=data["missing"], reason=data["reason"]
    ),
)
CaseSupplementApi = _action("提交补正材料", SupplementInput, _supplement)
CaseSupplementApi.parser_classes = [MultiPartParser, FormParser, StrictJSONParser]
CaseRefuseApi = _action(
    "不予受理",
    ReasonInput,
    lambda *, case, user, data, **kw: services.case_refuse(
        case=case, actor=user, reason=data["reason"]
    ),
)
CaseNotRequiredApi = _action(
    "告知不需要许可",
    ReasonInput,
    lambda *, case, user, data, **kw: services.case_mark_not_required(
        case=case, actor=user, reason=data["reason"]
    ),
)
CaseReferApi = _action(
    "告知向有关机关申请",
    ReferInput,
    lambda *, case, user, data, **kw: services.case_refer(
        case=case, actor=user, reason=data["reason"], authority=data["authority"]
    ),
)
CaseSuspendApi = _action(
    "特别程序暂停计时",
    SuspendInput,
    lambda *, case, user, data, **kw: services.case_suspend(
        case=case,
        actor=user,
        kind=data["kind"],
        reason=data["reason"],
        expected_days=data.get("expected_days"),
    ),
)
CaseResumeApi = _action(
    "恢复计时",
    NoteInput,
    lambda *, case, user, data, **kw: services.case_resume(
        case=case, actor=user, note=data["note"]
    ),
)
CaseDecideApi = _action(
    "作出许可决定",
    DecideInput,
    lambda *, case, user, data, **kw: services.case_decide(
        case=case,
        actor=user,
        outcome=data["outcome"],
        reason=data["reason"],
        result_number=data["result_number"],
        valid_until=data.get("valid_until"),
    ),
)
CaseIssueCertificateApi = _action(
    "颁发证件",
    CertificateInput,
    lambda *, case, user, data, **kw: services.case_certificate_issue(
        case=case, actor=user, result_number=data["result_number"]
    ),
)
CaseDeliverApi = _action(
    "送达",
    DeliverInput,
    lambda *, case, user, data, **kw: services.case_deliver(
        case=case,
        actor=user,
        method=data["method"],
        recipient=data["recipient"],
        delivered_on=data["delivered_on"],
        tracking=data["tracking"],
    ),
)
CaseConcludeApi = _action(
    "办结",
    NoteInput,
    lambda *, case, user, data, **kw: services.case_conclude(
        case=case, actor=user, note=data["note"]
    ),
)
CaseWithdrawApi = _action(
    "撤回申请",
    NoteInput,
    lambda *, case, user, data, **kw: services.case_withdraw(
        case=case, actor=user, reason=data["note"]
    ),
)
CaseTerminateApi = _action(
    "终止办理",
    ReasonInput,
    lambda *, case, user, data, **kw: services.case_terminate(
        case=case, actor=user, reason=data["reason"]
    ),
)
CaseStepCompleteApi = _action(
    "环节办理完成",
    StepInput,
    lambda *, case, user, data, step_id, **kw: services.case_step_complete(
        case=case, actor=user, step=_step(case, step_id), opinion=data["opinion"]
    ),
)
CaseStepReturnApi = _action(
    "退回上一环节",
    StepInput,
    lambda *, case, user, data, step_id, **kw: services.case_step_return(
        case=case, actor=user, step=_step(case, step_id), opinion=data["opinion"]
    ),
)
CaseStepReassignApi = _action("改派承办人", ReassignInput, _reassign)

for _name, _obj in list(globals().items()):
    if (
        isinstance(_obj, type)
        and issubclass(_obj, CaseActionApi)
        and _obj is not CaseActionApi
    ):
        _obj.__name__ = _obj.__qualname__ = _name


class CasePublicLookupApi(APIView):
    """Public status lookup by case number and query code (no login)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        summary="办件公开查询",
        parameters=[
            OpenApiParameter("number", str, required=True),
            OpenApiParameter("code", str, required=True),
        ],
        responses=PublicLookupOutput,
    )
    def get(self, request: Request) -> Response:
        result = selectors.case_public_lookup(
            number=request.query_params.get("number", ""),
            query_code=request.query_params.get("code", ""),
        )
        if result is None:
            raise NotFoundError("未查到办件：请核对办件编号和查询码。")
        return Response(PublicLookupOutput(result).data)


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="我的消息", responses=NotificationOutput(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.notification_list_for_user(user=request.user)[:100]
        return Response(NotificationOutput(rows, many=True).data)


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="标记消息已读", request=None, responses=NotificationOutput)
    def post(self, request: Request, notification_id: int) -> Response:
        note = Notification.objects.filter(
            pk=notification_id, user=request.user
        ).first()
        if note is None:
            raise NotFoundError("消息不存在。")
        note = services.notification_mark_read(notification=note, user=request.user)
        return Response(NotificationOutput(note).data)
