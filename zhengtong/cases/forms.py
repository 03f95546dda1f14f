"""
Forms of the case pages (portal and workbench): shape checks only.

Business rules (may this be done now, is the file really a PDF, is the
extension within the Art. 42 limit) stay in the services; their
``ApplicationError`` messages are shown next to these forms.
"""

from django import forms

from zhengtong.accounts.identity import IdType, SubjectKind, id_document_problem
from zhengtong.catalog.credit import credit_code_is_valid

from .constants import DeliveryMethod, SuspensionKind

MATERIAL_PREFIX = "material_"
FILE_ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd"


def material_field_name(material_id: int) -> str:
    return f"{MATERIAL_PREFIX}{material_id}"


def _file_field(label: str, help_text: str = "") -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
    )


class MaterialUploadMixin:
    """Adds one optional file field per checklist material."""

    def add_material_fields(self, materials) -> None:
        self.material_names = {}
        for material in materials:
            name = material_field_name(material.pk)
            self.fields[name] = _file_field(material.name)
            self.material_names[name] = material.pk

    def material_files(self) -> list[tuple[int, object]]:
        """Return (material id, upload) for every file the user chose."""
        files = []
        for name, material_id in self.material_names.items():
            upload = self.cleaned_data.get(name)
            if upload:
                files.append((material_id, upload))
        return files


class ApplyForm(MaterialUploadMixin, forms.Form):
    """The online application form: contact, matter, one slot per material."""

    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\- ]{7,20}$",
        error_messages={"invalid": "请填写正确的联系电话（7至20位数字）。"},
    )
    contact_address = forms.CharField(
        label="联系地址（可不填）",
        required=False,
        max_length=200,
        help_text="用于邮寄送达结果或联系申请人。",
    )
    matter = forms.CharField(
        label="申请事项说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="简要说明申请的内容，例如经营场所、项目名称等。",
    )

    def __init__(self, *args, materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def form_data(self) -> dict:
        return {
            "contact_name": self.cleaned_data["contact_name"].strip(),
            "contact_phone": self.cleaned_data["contact_phone"].strip(),
            "contact_address": self.cleaned_data.get("contact_address", "").strip(),
            "matter": self.cleaned_data["matter"].strip(),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (an empty list when none)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": FILE_ACCEPT, "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


SUPPLEMENT_LINE_PREFIX = "line_"


def supplement_line_field_name(index: int) -> str:
    return f"{SUPPLEMENT_LINE_PREFIX}{index}"


class SupplementAnswerForm(forms.Form):
    """
    The applicant's answer to a 补正 notice: one upload slot per line of the
    notice (a checklist material or a free-text line), several files a slot.

    中文：补正材料（按告知事项逐项上传）
    """

    note = forms.CharField(
        label="补正说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(items)
        for index, item in enumerate(self.lines):
            self.fields[supplement_line_field_name(index)] = MultipleFileField(
                label=f"{index + 1}. {item.get('name', '')}",
                required=False,
                help_text=item.get("problem", ""),
            )

    def line_rows(self) -> list[dict]:
        """Return each notice line with its bound upload field."""
        return [
            {"index": i, "item": item, "field": self[supplement_line_field_name(i)]}
            for i, item in enumerate(self.lines)
        ]

    def line_files(self) -> list[tuple[int, object]]:
        """Return (line index, upload) for every file chosen, line by line."""
        return [
            (index, upload)
            for index in range(len(self.lines))
            for upload in self.cleaned_data.get(supplement_line_field_name(index), [])
        ]

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not self.line_files()
            and not data.get("note", "").strip()
        ):
            raise forms.ValidationError("请上传补正材料或填写补正说明。")
        return data


class ToleranceSupplyForm(MaterialUploadMixin, forms.Form):
    """Hand in the materials a 容缺受理 let the applicant bring later."""

    note = forms.CharField(
        label="说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def clean(self):
        data = super().clean()
        if not self.errors and not self.material_files():
            raise forms.ValidationError("请上传需补齐的容缺材料。")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因（可不填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label="我确认撤回本次申请，撤回后本办件将终结。",
        error_messages={"required": "请勾选确认后再撤回。"},
    )


class LookupForm(forms.Form):
    number = forms.CharField(label="办件编号", max_length=40)
    code = forms.CharField(label="查询码", max_length=8)


# -- workbench -----------------------------------------------------------


def _reason(label: str = "理由", required: bool = True, rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"请填写{label}。"},
    )


class AcceptForm(forms.Form):
    note = _reason("受理意见", required=False, rows=2)
    tolerated = forms.MultipleChoiceField(
        label="容缺受理的材料（仅限可容缺材料）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tolerance_days = forms.IntegerField(
        label="容缺材料补齐期限（工作日）",
        required=False,
        min_value=1,
        max_value=30,
        initial=5,
    )

    def __init__(self, *args, tolerable=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tolerated"].choices = [(str(m.pk), m.name) for m in tolerable]
        if not tolerable:
            del self.fields["tolerated"]
            del self.fields["tolerance_days"]


class SupplementRequestForm(forms.Form):
    missing = forms.MultipleChoiceField(
        label="需补正的材料（系统已勾选全部缺少的必交材料，可增减）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra = forms.CharField(
        label="其他需补正的材料或问题（每行一项）",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = _reason("补正说明", required=False, rows=2)

    def __init__(self, *args, checklist=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(str(m.pk), m.name) for m in checklist]

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("missing")
            and not data.get("extra", "").strip()
        ):
            raise forms.ValidationError("请至少选择或填写一项需补正的材料。")
        return data

    def missing_list(self) -> list:
        items: list = [int(v) for v in self.cleaned_data.get("missing", [])]
        lines = (self.cleaned_data.get("extra") or "").splitlines()
        items.extend(
            {"name": line.strip()[:300], "problem": "未提交或不符合要求"}
            for line in lines
            if line.strip()
        )
        return items


class ReasonForm(forms.Form):
    reason = _reason()


class ReferForm(forms.Form):
    authority = forms.CharField(
        label="应向其申请的机关",
        max_length=200,
        error_messages={"required": "请填写应向其申请的机关。"},
    )
    reason = _reason()


class OpinionForm(forms.Form):
    opinion = _reason("办理意见", required=False)


class ReturnForm(forms.Form):
    opinion = _reason("退回意见")


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label="改派给",
        queryset=None,
        empty_label="请选择承办人",
        error_messages={
            "required": "请选择承办人。",
            "invalid_choice": "请选择本部门在岗人员。",
        },
    )
    reason = _reason("改派理由")

    def __init__(self, *args, assignees=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda u: "{}{}".format(
            u, "（不在岗）" if u.is_absent else ""
        )


class SuspendForm(forms.Form):
    kind = forms.ChoiceField(
        label="特别程序（行政许可法第四十五条）", choices=SuspensionKind.choices
    )
    reason = _reason()
    expected_days = forms.IntegerField(
        label="预计所需时间（工作日）", required=False, min_value=1, max_value=365
    )


class NoteForm(forms.Form):
    note = _reason("说明", required=False, rows=2)


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label="延长工作日数（合计不超过10个工作日）",
        min_value=1,
        max_value=10,
        error_messages={
            "required": "请填写延长的工作日数。",
            "min_value": "延长天数至少为1个工作日。",
            "max_value": "依行政许可法第四十二条，延长期限不得超过10个工作日。",
            "invalid": "请填写整数。",
        },
    )
    reason = _reason("延期理由")


class ExtensionApproveForm(forms.Form):
    note = _reason("批准意见", required=False, rows=2)


class ApproveForm(forms.Form):
    reason = _reason("决定意见", required=False)
    result_number = forms.CharField(
        label="证件（批文）编号（不填则使用决定书文号）", required=False, max_length=100
    )
    valid_until = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期。"},
    )


class DenyForm(forms.Form):
    reason = _reason("不予许可的理由")


class CertificateForm(forms.Form):
    result_number = forms.CharField(
        label="证件编号（不填则沿用决定时的编号）", required=False, max_length=100
    )


class DeliverForm(forms.Form):
    method = forms.ChoiceField(
        label="送达方式", choices=DeliveryMethod.choices, widget=forms.RadioSelect
    )
    delivered_on = forms.DateField(
        label="送达日期（不填为今天）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写正确的日期。"},
    )
    recipient = forms.CharField(
        label="受送达人（签收人；不填为申请人）", required=False, max_length=100
    )
    tracking = forms.CharField(
        label="快递单号（邮寄送达必填）", required=False, max_length=60
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("method") == DeliveryMethod.MAIL
            and not data.get("tracking", "").strip()
        ):
            self.add_error("tracking", "邮寄送达须填写快递单号。")
        return data


SUBJECT_KIND_CHOICES = [
    (SubjectKind.PERSON, "个人"),
    (SubjectKind.ENTERPRISE, "企业（法人或其他组织）"),
]
PHONE_FIELD = dict(
    regex=r"^[0-9+\- ]{7,20}$",
    error_messages={"invalid": "请填写正确的联系电话（7至20位数字）。"},
)


class IntakeApplicantForm(MaterialUploadMixin, forms.Form):
    """
    Counter intake: the walk-in applicant — a person with an ID document, or
    an enterprise with its 统一社会信用代码 (GB 32100-2015 check character),
    法定代表人 and the 经办人 at the counter with their ID — the contact
    details, the matter and the scans. Shape checks only; the service
    checks again (one definition: ``case_counter_intake_walk_in``).

    中文：窗口收件登记表
    """

    subject_kind = forms.ChoiceField(
        label="申请人类型",
        choices=SUBJECT_KIND_CHOICES,
        initial=SubjectKind.PERSON,
        required=False,  # absent: a person
        widget=forms.RadioSelect(attrs={"data-subject-kind": ""}),
    )
    # a person
    display_name = forms.CharField(label="姓名", max_length=100, required=False)
    id_type = forms.ChoiceField(
        label="证件类型",
        choices=IdType.choices,
        initial=IdType.RESIDENT_ID,
        required=False,  # absent: 居民身份证
    )
    id_number = forms.CharField(label="证件号码", max_length=40, required=False)
    # an enterprise
    org_name = forms.CharField(label="单位名称", max_length=200, required=False)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        required=False,
        help_text="18位，字母须大写；系统按国家标准校验最后一位校验码。",
    )
    legal_representative = forms.CharField(
        label="法定代表人（负责人）", max_length=100, required=False
    )
    agent_name = forms.CharField(label="经办人姓名", max_length=100, required=False)
    agent_id_type = forms.ChoiceField(
        label="经办人证件类型",
        choices=IdType.choices,
        initial=IdType.RESIDENT_ID,
        required=False,  # absent: 居民身份证
    )
    agent_id_number = forms.CharField(
        label="经办人证件号码", max_length=40, required=False
    )
    # both
    phone = forms.RegexField(label="联系电话", required=False, **PHONE_FIELD)
    address = forms.CharField(label="联系地址", max_length=200, required=False)
    matter = forms.CharField(
        label="申请事项说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    PERSON_FIELDS = ("display_name", "id_type", "id_number")
    ENTERPRISE_FIELDS = (
        "org_name",
        "credit_code",
        "legal_representative",
        "agent_name",
        "agent_id_type",
        "agent_id_number",
    )

    def __init__(self, *args, materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def clean_agent_id_number(self) -> str:
        return self.cleaned_data["agent_id_number"].strip().upper()

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def _required(self, data, names_and_labels) -> None:
        for name, label in names_and_labels:
            if not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, f"请填写{label}。")

    def _id_check(self, data, type_field: str, number_field: str) -> None:
        if data.get(type_field) and data.get(number_field):
            problem = id_document_problem(data[type_field], data[number_field])
            if problem:
                self.add_error(number_field, problem)

    def clean(self):
        data = super().clean()
        data["subject_kind"] = data.get("subject_kind") or SubjectKind.PERSON
        for name in ("id_type", "agent_id_type"):
            data[name] = data.get(name) or IdType.RESIDENT_ID
        if data["subject_kind"] == SubjectKind.ENTERPRISE:
            self._required(
                data,
                (
                    ("org_name", "单位名称"),
                    ("credit_code", "统一社会信用代码"),
                    ("legal_representative", "法定代表人"),
                    ("agent_name", "经办人姓名"),
                    ("agent_id_number", "经办人证件号码"),
                ),
            )
            code = data.get("credit_code")
            if code and not credit_code_is_valid(code):
                self.add_error(
                    "credit_code",
                    "统一社会信用代码校验不通过，请核对（18位，字母须大写）。",
                )
            self._id_check(data, "agent_id_type", "agent_id_number")
        else:
            self._required(
                data, (("display_name", "申请人姓名"), ("id_number", "证件号码"))
            )
            self._id_check(data, "id_type", "id_number")
        return data

    def service_kwargs(self) -> dict:
        """Return the applicant arguments of ``case_counter_intake_walk_in``."""
        data = self.cleaned_data
        contact = {
            "phone": data.get("phone", "").strip(),
            "address": data.get("address", "").strip(),
        }
        if data["subject_kind"] == SubjectKind.ENTERPRISE:
            return {
                "subject_kind": SubjectKind.ENTERPRISE,
                "display_name": data["legal_representative"].strip(),
                "org_name": data["org_name"].strip(),
                "credit_code": data["credit_code"],
                "legal_representative": data["legal_representative"].strip(),
                "agent_name": data["agent_name"].strip(),
                "agent_id_type": data["agent_id_type"],
                "agent_id_number": data["agent_id_number"],
                **contact,
            }
        return {
            "subject_kind": SubjectKind.PERSON,
            "display_name": data["display_name"].strip(),
            "id_type": data["id_type"],
            "id_number": data["id_number"],
            **contact,
        }
