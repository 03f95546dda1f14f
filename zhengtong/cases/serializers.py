"""
Output shapes of the cases API (shape only; no logic): the one definition
each operation renders with (``zhengtong.api.shapes``) and the OpenAPI schema
describes. Nested outputs of the detail render the plain rows of
``selectors.case_detail_lists_get`` as well as model instances.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zhengtong.core.masking import mask_id_number, mask_phone

from .constants import Lamp, Status, SuspensionKind

PROVISIONAL_HELP = (
    "为 true 时该期限跨过尚未公布放假安排的年份，按法定节假日推定；"
    "国务院通知导入后依法校正（事件 deadline_recomputed）。"
)


_STATUS_LABELS = dict(Status.choices)
_SUSPENSION_LABELS = dict(SuspensionKind.choices)


class CaseCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    query_code = serializers.CharField()


# The columns a case list reads (``values()``), in the names its output uses.
LIST_COLUMNS = (
    "id",
    "number",
    "applicant_name",
    "status",
    "channel",
    "lamp",
    "received_date",
    "due_date",
    "item_version__name",
    "current_assignee__display_name",
    "current_assignee__username",
)


def _value(obj: Any, name: str) -> Any:
    """Read ``name`` of a plain row (dict) or of a model instance."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


# One line of a case list, rendered from a ``LIST_COLUMNS`` row.
class CaseListItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    item_name = serializers.CharField(source="item_version__name")
    applicant_name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    channel = serializers.CharField()
    lamp = serializers.CharField()
    received_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    current_assignee = serializers.SerializerMethodField()

    def get_status_label(self, row: dict) -> str:
        return str(_STATUS_LABELS.get(row["status"], row["status"]))

    def get_current_assignee(self, row: dict) -> str:
        return (
            row["current_assignee__display_name"]
            or row["current_assignee__username"]
            or ""
        )


class SuspensionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    reason = serializers.CharField()
    expected_days = serializers.IntegerField(allow_null=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    working_days = serializers.IntegerField()

    def get_kind_label(self, obj) -> str:
        kind = _value(obj, "kind")
        return str(_SUSPENSION_LABELS.get(kind, kind))


class ExtensionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    days = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField(help_text="requested 待批准 / approved / rejected")
    requested_by = serializers.CharField(allow_null=True)
    requested_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(
        allow_null=True, help_text="批准人（status 为 rejected 时为驳回人）"
    )
    approved_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class StepOutput(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    status = serializers.CharField()
    assignee = serializers.SerializerMethodField()
    started_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)
    lamp = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField()
    decides = serializers.BooleanField(help_text="决定环节（批准）：在此环节作出决定")

    def get_assignee(self, obj) -> str:
        if isinstance(obj, dict):  # a row of selectors.case_detail_lists_get
            return obj["assignee"] or ""
        return str(obj.assignee) if obj.assignee_id else ""


class CaseMaterialOutput(serializers.Serializer):
    id = serializers.IntegerField()
    material_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    round = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj) -> str:
        return f"/api/v1/cases/materials/{_value(obj, 'id')}/download/"


class SupplementRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    items = serializers.JSONField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()


class EventOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    kind = serializers.CharField(
        source="action", help_text="事件类型（同 action），如 deadline_recomputed。"
    )
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    at = serializers.DateTimeField(source="created_at")
    reason = serializers.CharField()
    details = serializers.JSONField()
    hash = serializers.CharField()


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    issued_on = serializers.DateField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj) -> str:
        return f"/api/v1/cases/documents/{obj.pk}/download/"


class BranchStepOutput(serializers.Serializer):
    """One step of a branch's own line (承办 → 审核 → 批准); the last decides."""

    id = serializers.IntegerField()
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    assignee = serializers.CharField(allow_null=True)
    own_limit = serializers.BooleanField(help_text="环节有自己的时限")
    due_date = serializers.DateField(
        allow_null=True, help_text="环节时限；无自己时限时为分支办结日"
    )
    started_on = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField(
        allow_null=True, help_text="仅本部门、监察人员和中心管理员可见；其他人为 null"
    )


class BranchOutput(serializers.Serializer):
    """A branch of a 联办件 (并联审批): one department on its own clock."""

    id = serializers.IntegerField()
    department = serializers.CharField()
    department_id = serializers.IntegerField()
    is_lead = serializers.BooleanField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    suspended = serializers.BooleanField(help_text="正在特别程序中（暂停计时）")
    limit_days = serializers.IntegerField()
    suspended_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    opinion = serializers.CharField()
    internal_note = serializers.CharField(
        allow_null=True, help_text="仅本部门、监察人员和中心管理员可见；其他人为 null"
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    steps = BranchStepOutput(many=True, default=list)


class ReportOutput(serializers.Serializer):
    """Where a 上报件 is: sent to the upper organ, returned or not."""

    upper_authority = serializers.CharField()
    sent_at = serializers.DateTimeField()
    lower_due_date = serializers.DateField(allow_null=True)
    upper_due_date = serializers.DateField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    upper_result = serializers.CharField()


class CaseDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    query_code = serializers.CharField()
    item_code = serializers.CharField(source="item.item_code")
    item_name = serializers.CharField(source="item_version.name")
    item_version = serializers.IntegerField(source="item_version.version")
    department = serializers.CharField(source="department.name")
    channel = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    applicant_name = serializers.CharField()
    applicant_id_number = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    agent = serializers.SerializerMethodField()
    form_data = serializers.JSONField()
    handling_mode = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_date = serializers.DateField(allow_null=True)
    intake_due_date = serializers.DateField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    accepted_date = serializers.DateField(allow_null=True)
    deemed_accepted = serializers.BooleanField()
    promised_days = serializers.IntegerField(allow_null=True)
    statutory_days = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    statutory_due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)
    suspended_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()
    lamp = serializers.ChoiceField(choices=Lamp.choices)
    tolerated_materials = serializers.JSONField()
    tolerance_due_date = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    result_number = serializers.CharField()
    result_valid_until = serializers.DateField(allow_null=True)
    certificate_due_date = serializers.DateField(allow_null=True)
    certificate_issued_at = serializers.DateTimeField(allow_null=True)
    delivery_method = serializers.CharField()
    delivery_tracking = serializers.CharField()
    delivered_on = serializers.DateField(allow_null=True)
    delivery_recipient = serializers.CharField()
    delivery_not_needed_reason = serializers.CharField()
    concluded_at = serializers.DateTimeField(allow_null=True)
    closing_reason = serializers.CharField()
    referral_authority = serializers.CharField()
    suspensions = SuspensionOutput(many=True, source="_suspensions")
    extensions = ExtensionOutput(many=True, source="_extensions")
    steps = StepOutput(many=True, source="_steps")
    materials = CaseMaterialOutput(many=True, source="_materials")
    supplement_requests = SupplementRequestOutput(many=True, source="_supplements")
    events = EventOutput(many=True, source="_events")
    allowed_actions = serializers.ListField(
        child=serializers.CharField(), source="_actions"
    )
    documents_url = serializers.SerializerMethodField()
    # 联办件: its branches and the joint due date (Art. 42 para. 2); [] and
    # null for another case. 上报件: the latest report (null: none).
    is_joint = serializers.BooleanField()
    branches = BranchOutput(many=True, source="_branches", default=list)
    joint_due_date = serializers.DateField(
        allow_null=True, source="_joint_due_date", default=None
    )
    reported_up = serializers.BooleanField()
    report = ReportOutput(allow_null=True, source="_report", default=None)

    def get_applicant_id_number(self, obj) -> str:
        return mask_id_number(obj.applicant_id_number)

    def get_applicant_phone(self, obj) -> str:
        return mask_phone(obj.applicant_phone)

    def get_agent(self, obj) -> str:
        return str(obj.agent) if obj.agent_id else ""

    def get_documents_url(self, obj) -> str:
        return f"/api/v1/cases/{obj.pk}/documents/"


class PublicProgressOutput(serializers.Serializer):
    label = serializers.CharField(help_text="进度（已收件、已受理……），不含经办人姓名")
    date = serializers.DateField(
        help_text="日期 YYYY-MM-DD，按中心所在时区（TIME_ZONE，Asia/Shanghai）"
    )


class PublicLookupOutput(serializers.Serializer):
    number = serializers.CharField()
    item_name = serializers.CharField()
    department = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_date = serializers.DateField(allow_null=True)
    accepted_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    due_date_provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)
    concluded = serializers.BooleanField()
    progress = serializers.SerializerMethodField(
        help_text="办理进度，按时间先后；日期为中心所在时区的日期"
    )

    @extend_schema_field(PublicProgressOutput(many=True))
    def get_progress(self, obj: Any) -> list[dict[str, str]]:
        return [{"label": label, "date": day} for label, day in obj.steps]


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField(allow_null=True)
    event = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
