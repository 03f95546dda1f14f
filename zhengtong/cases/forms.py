"""
Forms of the case pages (portal and workbench): shape checks only.

Business rules (may this be done now, is the file really a PDF, is the
extension within the Art. 42 limit) stay in the services; their
``ApplicationError`` messages are shown next to these forms.
"""

from django import forms

from zhengtong.accounts.identity import IdType, SubjectKind, id_document_problem

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
            "matter": self.cleaned_data["matter"].strip(),
        }


class SupplementAnswerForm(MaterialUploadMixin, forms.Form):
    """The applicant's answer to a 补正 notice."""

    note = forms.CharField(
        label="补正说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_file = _file_field("其他补正材料（如清单中列明的其他材料）")

    def __init__(self, *args, materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def all_files(self) -> list[tuple[int | None, object]]:
        files: list[tuple[int | None, object]] = list(self.material_files())
        if self.cleaned_data.get("other_file"):
            files.append((None, self.cleaned_data["other_file"]))
        return files

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not self.all_files()
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


class IntakeApplicantForm(MaterialUploadMixin, forms.Form):
    """
    Counter intake: the walk-in applicant (a person, or a company with its
    统一社会信用代码, checked by the service), the matter and the scans.
    """

    subject_kind = forms.ChoiceField(
        label="申请人类型",
        choices=SubjectKind.choices,
        initial=SubjectKind.PERSON,
        required=False,  # absent: a person
    )
class ExtensionApproveForm(forms.Form):
    note = _reason("批准意见", required=False, rows=2)


    display_name = forms.CharField(
        label="申请人姓名（单位申请填经办人）",
        max_length=100,
        error_messages={"required": "请填写申请人姓名。"},
    )
    org_name = forms.CharField(label="单位名称", max_length=200, required=False)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=18, required=False
    )
    id_type = forms.ChoiceField(
        label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(
        label="证件号码（单位申请可不填）", max_length=40, required=False
    )
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\- ]{7,20}$",
        required=False,
        error_messages={"invalid": "请填写正确的联系电话（7至20位数字）。"},
    )
    matter = forms.CharField(
        label="申请事项说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
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

    def __init__(self, *args, materials=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials)

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].strip().upper()

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self):
        data = super().clean()
        data["subject_kind"] = data.get("subject_kind") or SubjectKind.PERSON
        enterprise = data["subject_kind"] == SubjectKind.ENTERPRISE
        if enterprise:
            if not (data.get("org_name") or "").strip():
                self.add_error("org_name", "请填写单位名称。")
            if not data.get("credit_code"):
                self.add_error("credit_code", "请填写统一社会信用代码。")
        elif not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", "请填写证件号码。")
        if data.get("id_type") and data.get("id_number"):
            problem = id_document_problem(data["id_type"], data["id_number"])
            if problem:
                self.add_error("id_number", problem)
        return data
