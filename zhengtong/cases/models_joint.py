"""
Joint approval (并联审批 / 联办件), referral (转办) and reporting up (上报件).

The branch definition is data on the item version (``JointBranchTemplate``,
like ``StepTemplate``, so no catalog migration); a case accepted on such a
version opens one ``CaseBranch`` per department at once. Branch
suspensions are ``CaseSuspension`` rows carrying their ``branch`` and
branch extensions ``CaseExtension`` rows carrying theirs (models.py), so the
one clock machinery (clock.py, services/clocks.py, recompute.py) moves the
joint due date; docs/joint.md states the rules.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.accounts.constants import Role

from .constants import StepStatus

USER = settings.AUTH_USER_MODEL


class BranchStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    APPROVED = "approved", _("同意")
    DENIED = "denied", _("不同意")
    STOPPED = "stopped", _("已终止（他部门不予许可）")


DECIDED_BRANCH_STATUSES = (
    BranchStatus.APPROVED,
    BranchStatus.DENIED,
    BranchStatus.STOPPED,
)


class CoordinationMethod(models.TextChoices):
    NOTICE = "notice", _("联办件通知书")
    MEETING = "meeting", _("联办会议")


class JointBranchTemplate(models.Model):
    """
    One parallel branch of a joint item version: a department, its own limit.

    Exactly one branch of a version is the lead (牵头部门), normally the
    version's own department.

    中文：并联审批分支定义
    """

    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="joint_branches",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("办理部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("顺序"), default=1)
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    limit_days = models.PositiveIntegerField(
        _("分支时限（工作日）"),
        null=True,
        blank=True,
        help_text=_("空：与联办时限相同（45个工作日）。"),
    )
    denial_stops_others = models.BooleanField(
        _("不同意即终止其他分支"),
        default=False,
        help_text=_(
            "该部门不同意时，其他尚在办理的分支随即终止（事项另有规定时勾选）。"
        ),
    )

    class Meta:
        verbose_name = _("并联审批分支定义")
        verbose_name_plural = _("并联审批分支定义")
        ordering = ["item_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_version", "department"], name="joint_tpl_dept_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_version_id}/{self.department_id}"


def branch_line_position(statuses: list[str]) -> tuple[int | None, bool]:
    """
    Where a branch stands on its own line of steps, given the steps'
    statuses in order: the index of its active step (None if none), and
    whether the branch decides now — it has no steps (one decision), or its
    active step is the last (the last step decides). The one rule of the
    service (``branch_steps_to_decide``) and of the pages.

    中文：分支所处环节
    """
    current = next((i for i, status in enumerate(statuses) if status == "active"), None)
    return current, not statuses or current == len(statuses) - 1


class JointStepTemplate(models.Model):
    """
    One ordered step of a branch definition (承办 → 审核 → 批准), with the
    role that takes it and its own limit; the last step decides (the
    branch's 同意/不同意). A branch definition without steps is one
    decision, as before.

    中文：联办分支办理环节
    """

    branch = models.ForeignKey(
        JointBranchTemplate,
        verbose_name=_("分支定义"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(
        _("办理角色"), max_length=20, choices=Role.choices, default=Role.REVIEWER
    )
    limit_days = models.PositiveIntegerField(
        _("环节时限（工作日）"),
        null=True,
        blank=True,
        help_text=_("空：不另设环节时限，以分支办结日为准。"),
    )

    class Meta:
        verbose_name = _("联办分支办理环节")
        verbose_name_plural = _("联办分支办理环节")
        ordering = ["branch", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "order"], name="joint_step_tpl_order_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.order} {self.name}"


class JointCoordinationRule(models.Model):
    """
    How a region coordinates a joint case: below ``meeting_from`` windows a
    联办件通知书 from the receiving window; from it on a 联办会议 convened
    by the centre's deputy director (分管负责人). No row: 3.

    中文：联办协调规则
    """

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True)
    meeting_from = models.PositiveSmallIntegerField(
        _("召开联办会议的窗口数（含）"), default=3
    )
    convener_title = models.CharField(
        _("会议召集人"), max_length=40, default="中心分管负责人"
    )

    class Meta:
        verbose_name = _("联办协调规则")
        verbose_name_plural = _("联办协调规则")

    def __str__(self) -> str:
        return f"{self.region_code}: ≥{self.meeting_from}"


class CaseBranch(models.Model):
    """
    One department's parallel branch of a joint case, on its own clock.

    ``opinion`` is the department's decision text, printed on the combined
    decision notice; ``internal_note`` is seen by that department only.

    中文：联办分支
    """

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="branches",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("办理部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("顺序"), default=1)
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    denial_stops_others = models.BooleanField(_("不同意即终止其他分支"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=BranchStatus.choices,
        default=BranchStatus.OPEN,
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    limit_days = models.PositiveIntegerField(_("分支时限（工作日）"))
    suspended_days = models.PositiveIntegerField(_("暂停工作日数"), default=0)
    extension_days = models.PositiveIntegerField(_("延期工作日数"), default=0)
    due_date = models.DateField(_("分支办结日"), null=True, blank=True)
    opinion = models.TextField(_("部门意见"), blank=True)
    internal_note = models.TextField(_("内部意见（仅本部门可见）"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联办分支")
        verbose_name_plural = _("联办分支")
        ordering = ["case", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"], name="case_branch_dept_uniq"
            )
        ]
        indexes = [
            models.Index(
                fields=["department", "-case"],
                condition=Q(status="open"),
                name="case_branch_dept_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.department_id}"


class BranchStep(models.Model):
    """
    One step of a branch's own line (承办 → 审核 → 批准), copied from the
    branch definition when the branch opens; the last one decides.

    中文：联办分支环节
    """

    branch = models.ForeignKey(
        CaseBranch,
        verbose_name=_("分支"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("办理角色"), max_length=20, choices=Role.choices)
    limit_days = models.PositiveIntegerField(
        _("环节时限（工作日）"), null=True, blank=True
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=StepStatus.choices,
        default=StepStatus.PENDING,
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("环节办结日"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        USER,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion = models.TextField(_("环节意见"), blank=True)

    class Meta:
        verbose_name = _("联办分支环节")
        verbose_name_plural = _("联办分支环节")
        ordering = ["branch", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "order"], name="branch_step_order_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.order} {self.name}"


class BranchSupplementAsk(models.Model):
    """
    A branch's request for more material, sent to the applicant only by the
    lead window, combined with the others into one notice.

    中文：分支补正请求
    """

    branch = models.ForeignKey(
        CaseBranch,
        verbose_name=_("分支"),
        on_delete=models.CASCADE,
        related_name="supplement_asks",
    )
    items = models.JSONField(_("补正清单"), default=list)
    asked_by = models.ForeignKey(
        USER,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    request = models.ForeignKey(
        "cases.SupplementRequest",
        verbose_name=_("合并后的补正告知"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="branch_asks",
    )

    class Meta:
        verbose_name = _("分支补正请求")
        verbose_name_plural = _("分支补正请求")
        ordering = ["branch", "id"]

    def __str__(self) -> str:
        return f"{self.branch} 补正"


class JointCoordination(models.Model):
    """
    The coordination record of a joint case: the numbered 联办件通知书 (two
    windows) or the 联办会议 with its minutes (three or more).

    中文：联办协调记录
    """

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="joint_coordination",
    )
    method = models.CharField(
        _("协调方式"), max_length=10, choices=CoordinationMethod.choices
    )
    document = models.ForeignKey(
        "cases.CaseDocument",
        verbose_name=_("联办件通知书"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    convener_title = models.CharField(_("会议召集人"), max_length=40, blank=True)
    held_on = models.DateField(_("会议日期"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联办协调记录")
        verbose_name_plural = _("联办协调记录")

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_method_display()}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    CONFIRMED = "confirmed", _("已接收")


class CaseReferral(models.Model):
    """
    A window hands a case to the competent department (转办), with reason;
    the receiving department confirms. The clock keeps running unless a
    legal basis for a restart is recorded.

    中文：转办
    """

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    from_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("转出部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("接收部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("转办理由"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PENDING,
    )
    referred_by = models.ForeignKey(
        USER,
        verbose_name=_("转出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("转出时间"))
    confirmed_by = models.ForeignKey(
        USER,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    clock_reset_basis = models.TextField(_("重新计时的法律依据"), blank=True)

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_department_id}"


class CaseReport(models.Model):
    """
    A case reported to the upper-level organ after the local review (上报件,
    行政许可法第三十五条、第四十三条): when sent, its limit, when returned.

    中文：上报
    """

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    upper_authority = models.CharField(_("上级机关"), max_length=200)
    opinion = models.TextField(_("下级审查意见"))
    lower_due_date = models.DateField(_("下级审查期限"), null=True, blank=True)
    upper_limit_days = models.PositiveIntegerField(
        _("上级决定时限（工作日）"), null=True, blank=True
    )
    upper_due_date = models.DateField(_("上级决定期限"), null=True, blank=True)
    sent_at = models.DateTimeField(_("上报时间"))
    sent_by = models.ForeignKey(
        USER,
        verbose_name=_("上报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("退回（批复）时间"), null=True, blank=True)
    upper_result = models.TextField(_("上级意见"), blank=True)
    package_sha256 = models.CharField(_("案卷包摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("上报")
        verbose_name_plural = _("上报")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} 上报 {self.upper_authority}"


class PackageKind(models.TextChoices):
    REPORT = "report", _("上报件（下级报送）")
    RETURN = "return", _("上级决定（反馈下级）")


class PackageReceipt(models.Model):
    """
    A signed package taken in from another installation: a 上报件 imported as
    a case here (``report``: the case created, linked to its origin), or the
    upper organ's decision on a case reported from here (``return``). The
    manifest hash is unique: one package is taken in once.

    中文：案卷包收件
    """

    kind = models.CharField(_("类型"), max_length=10, choices=PackageKind.choices)
    package_sha256 = models.CharField(_("案卷包摘要"), max_length=64, unique=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="package_receipts",
    )
    origin_installation = models.CharField(_("来源系统"), max_length=200, blank=True)
    origin_authority = models.CharField(_("来源机关"), max_length=200, blank=True)
    origin_number = models.CharField(_("来源办件编号"), max_length=40, blank=True)
    origin_opinion = models.TextField(
        _("来源意见（下级审查意见／上级决定）"), blank=True
    )
    origin_region_code = models.CharField(_("来源区划代码"), max_length=12, blank=True)
    received_at = models.DateTimeField(_("导入时间"))
    received_by = models.ForeignKey(
        USER,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("案卷包收件")
        verbose_name_plural = _("案卷包收件")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.origin_number}"
