"""
The catalogue: regions, departments, halls and counters, service items.

Service items are versioned: a ``ServiceItem`` is the identity (its
implementation code, byte-exact); each ``ServiceItemVersion`` holds a full
guide (办事指南) and moves draft → published (with an effective date) →
retired. Cases pin the version they were filed under.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

from .constants import (
    CodeShape,
    DayUnit,
    HandlingMode,
    ItemType,
    MaterialForm,
    MaterialRequirement,
    OnlineDepth,
    RegionLevel,
    ServiceObject,
    VersionStatus,
)


class Region(BaseModel):
    """
    An administrative division with its 12-digit code.

    中文：行政区划
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(BaseModel):
    """
    A department stationed in the hall.

    The credit code is checked (GB 32100) but an invalid one is only flagged:
    real data carries many.

    中文：部门
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=40, blank=True)
    credit_code_valid = models.BooleanField(
        _("信用代码校验通过"),
        null=True,
        blank=True,
        help_text=_("空：未填写；否：校验位不符，仅标记不拒收。"),
    )
    portal_codes = models.CharField(
        _("平台部门编码"),
        max_length=200,
        blank=True,
        help_text=_("来源平台的部门编码，逗号分隔"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    phone = models.CharField(_("电话"), max_length=60, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="department_region_name_uniq"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Hall(BaseModel):
    """
    A service hall (政务服务大厅) with its address and hours.

    中文：大厅
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    phone = models.CharField(_("电话"), max_length=60, blank=True)
    hours = models.CharField(_("办公时间"), max_length=300, blank=True)
    traffic = models.CharField(_("交通指引"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("大厅")
        verbose_name_plural = _("大厅")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Counter(BaseModel):
    """
    A counter (窗口) in a hall, serving departments and items.

    中文：窗口
    """

    hall = models.ForeignKey(
        Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="counters"
    )
    number = models.CharField(_("窗口号"), max_length=20)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    floor = models.CharField(_("楼层"), max_length=20, blank=True)
    zone = models.CharField(_("区域"), max_length=50, blank=True)
    is_integrated = models.BooleanField(_("综合窗口"), default=False)
    departments = models.ManyToManyField(
        Department, verbose_name=_("进驻部门"), blank=True, related_name="counters"
    )
    items = models.ManyToManyField(
        "ServiceItem", verbose_name=_("可办事项"), blank=True, related_name="counters"
    )
    phone = models.CharField(_("电话"), max_length=60, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "number"], name="counter_hall_number_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} 号窗口" + (f"（{self.name}）" if self.name else "")


class ServiceItem(BaseModel):
    """
    The identity of a service item, keyed by its implementation code.

    Name, department and type are copied from the current published version
    for listing and search; the guide itself lives on ``ServiceItemVersion``.

    中文：政务服务事项
    """

    item_code = models.CharField(
        _("实施编码"),
        max_length=120,
        unique=True,
        help_text=_("按来源原样保存，逐字节不变"),
    )
    code_shape = models.CharField(
        _("编码形态"), max_length=20, choices=CodeShape.choices, default=CodeShape.OTHER
    )
    code_segments = models.JSONField(_("编码分段"), default=dict, blank=True)
    basic_code = models.CharField(
        _("基本编码"), max_length=40, blank=True, db_index=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("实施部门"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    name = models.CharField(_("事项名称"), max_length=300)
    category = models.CharField(_("主项"), max_length=300, blank=True)
    item_type = models.CharField(
        _("事项类型"), max_length=10, choices=ItemType.choices, default=ItemType.UNKNOWN
    )
    item_type_code = models.CharField(_("来源类型编码"), max_length=10, blank=True)
    online_available = models.BooleanField(
        _("可网上办理"), default=False, db_index=True
    )
    current_version = models.ForeignKey(
        "ServiceItemVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail_url = models.URLField(_("来源详情页"), max_length=500, blank=True)
    source = models.JSONField(_("数据来源"), default=dict, blank=True)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["department__order", "name"]
        indexes = [models.Index(fields=["department", "item_type"])]

    def __str__(self) -> str:
        return self.name


class ServiceItemVersion(BaseModel):
    """
    One version of an item's guide (办事指南), with every guide element.

    中文：事项版本（办事指南）
    """

    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    version = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    # names and codes
    name = models.CharField(_("事项名称"), max_length=300)
    category = models.CharField(_("主项"), max_length=300, blank=True)
    basic_code = models.CharField(_("基本编码"), max_length=40, blank=True)
    business_code = models.CharField(_("业务办理项编码"), max_length=80, blank=True)
    item_type = models.CharField(
        _("事项类型"), max_length=10, choices=ItemType.choices, default=ItemType.UNKNOWN
    )
    item_type_code = models.CharField(_("来源类型编码"), max_length=10, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("实施部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    implementing_body = models.CharField(_("实施主体"), max_length=200, blank=True)
    service_object = models.CharField(
        _("服务对象"), max_length=12, choices=ServiceObject.choices, blank=True
    )
    exercise_level = models.CharField(_("行使层级"), max_length=50, blank=True)

    # conditions and handling
    conditions = models.TextField(_("受理条件"), blank=True)
    handling_mode = models.CharField(
        _("办件类型"),
        max_length=10,
        choices=HandlingMode.choices,
        default=HandlingMode.COMMITTED,
    )
    is_joint = models.BooleanField(_("联办件"), default=False)
    is_report_up = models.BooleanField(_("上报件"), default=False)
    procedure = models.TextField(_("办理流程"), blank=True)

    # time limits (行政许可法 Art. 42, 82)
    statutory_days = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    statutory_unit = models.CharField(
        _("法定时限单位"),
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
    )
    statutory_note = models.CharField(_("法定时限说明"), max_length=500, blank=True)
    promised_days = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    promised_unit = models.CharField(
        _("承诺时限单位"),
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
    )
    promised_note = models.CharField(_("承诺时限说明"), max_length=500, blank=True)

    # fees
    is_free = models.BooleanField(
        _("不收费"),
        null=True,
        blank=True,
        default=True,
        help_text=_("空：来源未载明收费信息（以窗口告知为准）。"),
    )
    fee_note = models.TextField(_("收费说明"), blank=True)

    # channels
    channels = models.JSONField(_("办理渠道"), default=list, blank=True)
    online_depth = models.CharField(
        _("网办深度"),
        max_length=2,
        choices=OnlineDepth.choices,
        default=OnlineDepth.NONE,
    )
    online_apply_url = models.URLField(_("网上办理地址"), max_length=500, blank=True)
    max_visits = models.PositiveIntegerField(_("到办事现场次数"), null=True, blank=True)

    # where and how to reach
    place = models.TextField(_("办理地点"), blank=True)
    office_hours = models.TextField(_("办理时间"), blank=True)
    traffic = models.TextField(_("交通指引"), blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=100, blank=True)
    supervise_phone = models.CharField(_("监督投诉电话"), max_length=100, blank=True)

    # result
    result_name = models.CharField(_("办理结果名称"), max_length=300, blank=True)
    result_type = models.CharField(_("结果类型"), max_length=50, blank=True)

    source_raw = models.JSONField(_("来源原始记录"), default=dict, blank=True)
    data_quality_notes = models.JSONField(_("数据质量说明"), default=list, blank=True)

    class Meta:
        verbose_name = _("事项版本（办事指南）")
        verbose_name_plural = _("事项版本（办事指南）")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "version"], name="item_version_uniq"
            ),
            models.CheckConstraint(
                condition=Q(promised_days__isnull=True)
                | Q(statutory_days__isnull=True)
                | Q(promised_days__lte=F("statutory_days")),
                name="promised_le_statutory",
                violation_error_message="承诺时限不得超过法定时限。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if (
            self.promised_days is not None
            and self.statutory_days is not None
            and self.promised_days > self.statutory_days
        ):
            raise ValidationError({"promised_days": _("承诺时限不得超过法定时限。")})

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class Material(models.Model):
    """
    One application material of a guide.

    中文：申请材料
    """

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=500)
    requirement = models.CharField(
        _("必要性"),
        max_length=12,
        choices=MaterialRequirement.choices,
        default=MaterialRequirement.REQUIRED,
    )
    condition_note = models.CharField(_("适用情形"), max_length=500, blank=True)
    original_count = models.PositiveIntegerField(_("原件份数"), default=0)
    copy_count = models.PositiveIntegerField(_("复印件份数"), default=0)
    form = models.CharField(
        _("材料形式"),
        max_length=12,
        choices=MaterialForm.choices,
        default=MaterialForm.BOTH,
    )
    tolerance_allowed = models.BooleanField(_("可容缺"), default=False)
    blank_form = models.FileField(_("空白表格"), upload_to="catalog/forms/", blank=True)
    sample_file = models.FileField(
        _("示例样表"), upload_to="catalog/samples/", blank=True
    )
    source_explain = models.CharField(_("来源渠道"), max_length=300, blank=True)
    sign_requirement = models.CharField(_("签章要求"), max_length=200, blank=True)
    by_law = models.TextField(_("设定依据"), blank=True)
    page_count = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    remark = models.TextField(_("备注"), blank=True)
    material_code = models.CharField(_("材料编码"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name


class LegalBasis(models.Model):
    """
    A provision an item rests on.

    中文：设定依据
    """

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="legal_bases",
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    law_name = models.CharField(_("法律法规名称"), max_length=300)
    law_number = models.CharField(_("文号"), max_length=300, blank=True)
    clause_number = models.CharField(_("条款号"), max_length=200, blank=True)
    clause_content = models.TextField(_("条款内容"), blank=True)

    class Meta:
        verbose_name = _("设定依据")
        verbose_name_plural = _("设定依据")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return f"{self.law_name} {self.clause_number}"


class Fee(models.Model):
    """
    A fee charged for an item, with standard and basis.

    中文：收费项目
    """

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="fees",
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("收费项目"), max_length=200)
    standard = models.CharField(_("收费标准"), max_length=500, blank=True)
    basis = models.TextField(_("收费依据"), blank=True)
    amount_yuan = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name


class SpecialProcedure(models.Model):
    """
    A procedure whose time is not counted (行政许可法 Art. 45).

    中文：特别程序
    """

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="special_procedures",
    )
    name = models.CharField(_("程序名称"), max_length=100)
    days = models.PositiveIntegerField(_("时限"), null=True, blank=True)
    unit = models.CharField(
        _("时限单位"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING
    )
    description = models.TextField(_("说明"), blank=True)
    department_name = models.CharField(_("实施机构"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")

    def __str__(self) -> str:
        return self.name


class FAQ(models.Model):
    """
    A frequently asked question on a guide.

    中文：常见问题
    """

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="faqs",
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    question = models.TextField(_("问题"))
    answer = models.TextField(_("解答"), blank=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.question[:40]
