"""
The 代办 desk and the 四办 project pages of the workbench.

- ``agency/``: open 代办/帮办 records (centre administrators name the
  officer and record a signed or uploaded authorisation; an officer sees
  their own);
- ``agency/assignments/{id}/``: one record — for its authorised officer the
  applicant-side actions (supplement, delivery preference) done for the
  applicant through the cases services;
- ``agency/projects/`` and ``agency/projects/{id}/``: major projects on the
  四办 path, registration (admin) and the recorded stages.

Thin: every rule is in ``zhengtong.agency``.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.agency import permissions, selectors, services
from zhengtong.agency.constants import (
    ConsentMethod,
    HandoverMethod,
    ProjectStage,
    Sector,
)
from zhengtong.agency.models import AgencyAssignment
from zhengtong.cases.models import SupplementRequest
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_name

from .views import StaffRequiredMixin

TEMPLATES = "workbench/agency/"


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(label="代办员", coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [
            (o.pk, f"{o.user}（{o.certificate_number}）")
            for o in selectors.officer_list()
            if permissions.officer_is_qualified(officer=o)
        ]


class ConsentForm(forms.Form):
    method = forms.ChoiceField(
        label="授权方式",
        choices=[
            (ConsentMethod.SIGNED, ConsentMethod.SIGNED.label),
            (ConsentMethod.FILE, ConsentMethod.FILE.label),
        ],
    )
    note = forms.CharField(
        label="授权说明（签署情况、存放位置）", max_length=300, required=False
    )
    file = forms.FileField(label="授权委托书（PDF 或图片）", required=False)


class SupplementForm(forms.Form):
    note = forms.CharField(
        label="补正说明",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label="补正材料", required=False)


class PreferenceForm(forms.Form):
    method = forms.ChoiceField(label="领取方式", choices=HandoverMethod.choices)
    mail_address = forms.CharField(label="邮寄地址", max_length=300, required=False)


class ProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    enterprise = forms.CharField(label="建设单位", max_length=200)
    sector = forms.ChoiceField(label="行业类别", choices=Sector.choices)
    registered_capital_wan = forms.DecimalField(
        label="注册资本（万元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    foreign_capital_usd_wan = forms.DecimalField(
        label="实收外资（万美元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    total_investment_wan = forms.DecimalField(
        label="投资总额（万元）",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    windows = forms.IntegerField(
        label="涉及窗口数", min_value=1, max_value=50, initial=1
    )
    follow_up_officer = forms.TypedChoiceField(label="跟踪责任人", coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow_up_officer"].choices = [
            (o.user_id, str(o.user)) for o in selectors.officer_list()
        ]


class AdvanceForm(forms.Form):
    note = forms.CharField(
        label="本环节办理情况",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"message": message}, status=403)


def assignment_rows(rows: list[AgencyAssignment]) -> list[dict[str, Any]]:
    return [
        {
            "a": a,
            "applicant": mask_name(a.case.applicant_name),
            "item": a.case.item_version.name,
        }
        for a in rows
    ]


class AgencyDeskView(StaffRequiredMixin, View):
    """代办台：进行中的代办、帮办。"""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        open_only = request.GET.get("all") != "1"
        rows = list(
            selectors.assignment_list_for_user(user=user, open_only=open_only)[:200]
        )
        return render(
            request,
            TEMPLATES + "desk.html",
            {
                "rows": assignment_rows(rows),
                "open_only": open_only,
                "may_manage": permissions.can_manage_agency(user=user),
                "officers": list(selectors.officer_list()),
                "section": "desk",
            },
        )


class AssignmentDetailView(StaffRequiredMixin, View):
    """代办详情：指派、授权、代为补正、领取方式。"""

    def _page(
        self,
        request: HttpRequest,
        a: AgencyAssignment,
        status: int = 200,
        **forms_: Any,
    ) -> HttpResponse:
        user = request.user
        acting = permissions.can_act_for_applicant(user=user, assignment=a)
        open_request = (
            SupplementRequest.objects.filter(case=a.case, answered_at__isnull=True)
            .order_by("-id")
            .first()
        )
        context = {
            "section": "desk",
            "a": a,
            "applicant": mask_name(a.case.applicant_name),
            "may_manage": permissions.can_manage_agency(user=user),
            "acting": acting,
            "open_request": open_request,
            "assign_form": forms_.get("assign_form") or AssignForm(),
            "consent_form": forms_.get("consent_form") or ConsentForm(),
            "supplement_form": forms_.get("supplement_form") or SupplementForm(),
            "preference_form": forms_.get("preference_form") or PreferenceForm(),
            "place": selectors.case_pickup_place(case=a.case),
        }
        return render(request, TEMPLATES + "assignment.html", context, status=status)

    def _get(self, request: HttpRequest, assignment_id: int) -> AgencyAssignment | None:
        try:
            return selectors.assignment_get_for_user(
                user=request.user, assignment_id=assignment_id
            )
        except ApplicationError:
            return None

    def get(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        a = self._get(request, assignment_id)
        if a is None:
            return _forbidden(request, "代办记录不存在或无权查看。")
        return self._page(request, a)

    def post(self, request: HttpRequest, assignment_id: int) -> HttpResponse:
        a = self._get(request, assignment_id)
        if a is None:
            return _forbidden(request, "代办记录不存在或无权查看。")
        user = request.user
        action = request.POST.get("action", "")
        spec = {
            "assign": ("assign_form", AssignForm),
            "consent": ("consent_form", ConsentForm),
            "supplement": ("supplement_form", SupplementForm),
            "preference": ("preference_form", PreferenceForm),
        }.get(action)
        if spec is None:
            return redirect("workbench:agency-assignment", assignment_id=a.pk)
        name, form_class = spec
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            v = form.cleaned_data
            try:
                if action == "assign":
                    officer = selectors.officer_get(officer_id=v["officer"])
                    services.assignment_assign(
                        assignment=a, actor=user, officer=officer
                    )
                    done = "已指派代办员。"
                elif action == "consent":
                    services.assignment_authorise(
                        assignment=a,
                        actor=user,
                        method=v["method"],
                        note=v["note"],
                        file=v["file"],
                    )
                    done = "已登记申请人的授权，代办员可以代为办理。"
                elif action == "supplement":
                    files = [(None, v["file"])] if v["file"] else []
                    services.assignment_supplement_submit(
                        assignment=a, actor=user, note=v["note"], files=files
                    )
                    done = "已代申请人提交补正材料。"
                else:
                    services.handover_preference_set(
                        case=a.case,
                        actor=user,
                        method=v["method"],
                        mail_address=v["mail_address"],
                        assignment=a,
                    )
                    done = "已登记领取方式。"
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, done)
                return redirect("workbench:agency-assignment", assignment_id=a.pk)
        return self._page(request, a, status=400, **{name: form})


class ProjectListView(StaffRequiredMixin, View):
    """四办项目：重大项目清单与接待登记。"""

    def _page(
        self, request: HttpRequest, form: ProjectForm | None = None, status: int = 200
    ) -> HttpResponse:
        user = request.user
        stage = request.GET.get("stage") or None
        projects = list(selectors.project_list_for_user(user=user, stage=stage)[:200])
        return render(
            request,
            TEMPLATES + "projects.html",
            {
                "projects": projects,
                "may_manage": permissions.can_manage_agency(user=user),
                "form": form or ProjectForm(),
                "section": "projects",
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not permissions.can_manage_agency(user=user):
            return _forbidden(request, "只有中心管理员可以登记重大项目。")
        form = ProjectForm(request.POST)
        if form.is_valid():
            v = dict(form.cleaned_data)
            officer = next(
                (
                    o.user
                    for o in selectors.officer_list()
                    if o.user_id == v["follow_up_officer"]
                ),
                None,
            )
            v.pop("follow_up_officer")
            for key in (
                "registered_capital_wan",
                "foreign_capital_usd_wan",
                "total_investment_wan",
            ):
                v[key] = v[key] or 0
            try:
                if officer is None:
                    raise ApplicationError("invalid_input", "请选择跟踪责任人。")
                project = services.major_project_register(
                    actor=user, follow_up_officer=officer, **v
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"重大项目 {project.number} 已登记。")
                return redirect("workbench:agency-project", project_id=project.pk)
        return self._page(request, form, status=400)


class ProjectDetailView(StaffRequiredMixin, View):
    """四办项目详情：各环节记录与推进。"""

    def _page(
        self,
        request: HttpRequest,
        project_id: int,
        form: AdvanceForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        try:
            project = selectors.project_get_for_user(
                user=request.user, project_id=project_id
            )
        except ApplicationError:
            return _forbidden(request, "项目不存在或无权查看。")
        return render(
            request,
            TEMPLATES + "project.html",
            {
                "p": project,
                "stages": list(project.stages.select_related("actor")),
                "may_advance": permissions.can_advance_project(
                    user=request.user, project=project
                ),
                "form": form or AdvanceForm(),
                "section": "projects",
                "stage_choices": ProjectStage.choices,
            },
            status=status,
        )

    def get(self, request: HttpRequest, project_id: int) -> HttpResponse:
        return self._page(request, project_id)

    def post(self, request: HttpRequest, project_id: int) -> HttpResponse:
        try:
            project = selectors.project_get_for_user(
                user=request.user, project_id=project_id
            )
        except ApplicationError:
            return _forbidden(request, "项目不存在或无权查看。")
        form = AdvanceForm(request.POST)
        if form.is_valid():
            try:
                project = services.major_project_advance(
                    project=project, actor=request.user, note=form.cleaned_data["note"]
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"已进入「{project.get_stage_display()}」环节。"
                )
                return redirect("workbench:agency-project", project_id=project.pk)
        return self._page(request, project_id, form, status=400)
