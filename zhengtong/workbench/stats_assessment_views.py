"""
The monthly assessment and the report archive in the workbench (月度考核、效能通报).

- ``StatsAssessmentView``: a month's results (frozen revision or draft),
  per counter and per person with score, rank, stars, 红旗窗口, 服务明星
  and the reasons; the leader signs off or records a correction; a
  supervisor enters points with evidence or voids an entry.  Each table
  exports to Excel.
- ``StatsReportListView``: the archived 效能通报 of the user's scope, and a
  form that generates one (monthly or quarterly); downloads check scope.

Rules come from ``stats.permissions_assessment`` and the stats services.

中文：月度考核与效能通报页面
"""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from zhengtong.catalog.models import Counter, Department
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.stats.models_assessment import DisciplineEntry, StarCategory
from zhengtong.stats.permissions_assessment import (
    assessment_scope,
    can_enter_points,
    can_generate_report,
    can_sign_assessment,
)
from zhengtong.stats.selectors_assessment import (
    assessment_for_user,
    assessment_revisions,
    entry_list_for_month,
    report_get_for_user,
    report_list_for_user,
)
from zhengtong.stats.services.assessment_month import (
    assessment_revise,
    assessment_sign_off,
    month_parse,
    points_entry_create,
    points_entry_void,
)
from zhengtong.stats.services.reports import period_parse, report_generate

from .stats_views import TEMPLATES, StatsRequiredMixin, base_context
from .supervision_exports import Column, xlsx_response

SUBJECT_COLUMNS = [
    Column("名次", lambda r: r["rank"], 6),
    Column("名称", lambda r: r["name"], 20),
    Column("部门", lambda r: r["department"], 24),
    Column("得分", lambda r: r["score"], 8),
    Column("星级", lambda r: r["stars"], 6),
    Column("红旗窗口", lambda r: r["red_flag"], 8),
    Column("服务明星", lambda r: r["service_star"], 8),
    Column("说明", lambda r: "；".join(r["reasons"]), 80),
]
CATEGORY_CHOICES = list(StarCategory.choices)


def _default_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


class StatsAssessmentView(StatsRequiredMixin, View):
    """A month's assessment: results, sign-off, corrections, entries."""

    def get(self, request: HttpRequest) -> HttpResponse:
        context = base_context(request, "assessment")
        text = request.GET.get("month") or _default_month()
        context["month_text"] = text
        try:
            month = month_parse(text)
            results = assessment_for_user(user=request.user, month=month)
        except ApplicationError as error:
            context["error"] = error.message
            return render(
                request, TEMPLATES + "assessment.html", context, status=error.status
            )
        export = request.GET.get("export")
        if export in ("counters", "staff"):
            label = "窗口" if export == "counters" else "人员"
            state = "已签发" if results["state"] == "signed" else "未签发"
            return xlsx_response(
                title=f"{results['month']} {label}月度考核（{state}）",
                filename=f"assessment-{results['month']}-{export}",
                columns=SUBJECT_COLUMNS,
                rows=results[export],
                note=context["scope_name"],
            )
        user = request.user
        ended = month < timezone.localdate().replace(day=1)
        department = assessment_scope(user)
        staff = get_user_model().objects.filter(
            is_active=True, department__isnull=False, is_staff=True
        )
        counters = Counter.objects.filter(is_active=True)
        if department is not None:
            staff = staff.filter(department_id=department)
            counters = counters.filter(departments=department)
        context |= {
            "results": results,
            "month": month,
            "service_stars": [r for r in results["staff"] if r["service_star"]],
            "red_flags": [r for r in results["counters"] if r["red_flag"]],
            "revisions": assessment_revisions(month=month),
            "entries": entry_list_for_month(user=user, month=month),
            "may_sign": can_sign_assessment(user)
            and ended
            and results["state"] == "draft",
            "may_revise": can_sign_assessment(user) and results["state"] == "signed",
            "may_enter": can_enter_points(user),
            "categories": CATEGORY_CHOICES,
            "people": list(
                staff.order_by("department__name", "display_name").values_list(
                    "pk", "display_name", "username"
                )[:500]
            ),
            "counter_choices": [
                (pk, f"{number} 号窗口")
                for pk, number in counters.order_by("number")
                .values_list("pk", "number")
                .distinct()
            ],
        }
        return render(request, TEMPLATES + "assessment.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        text = request.POST.get("month") or ""
        action = request.POST.get("action")
        back = reverse("workbench:stats-assessment") + f"?month={text}"
        try:
            month = month_parse(text)
            if action == "sign":
                assessment_sign_off(month=month, actor=request.user)
                messages.success(request, "已签发，本月考核结果已冻结。")
            elif action == "revise":
                revision = assessment_revise(
                    month=month,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, f"已记录更正，现为第 {revision.number} 版。")
            elif action == "entry":
                self._entry(request, month)
                messages.success(request, "已录入考核事项。")
            elif action == "void":
                entry = DisciplineEntry.objects.filter(
                    pk=int_id(request.POST.get("entry")) or 0, month=month
                ).first()
                if entry is None:
                    raise ApplicationError("not_found", "录入事项不存在。", status=404)
                points_entry_void(
                    entry=entry,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已作废该事项。")
            else:
                raise ApplicationError("invalid_input", "未知操作。")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect(back)

    def _entry(self, request: HttpRequest, month: Any) -> None:
        department = assessment_scope(request.user)
        person = counter = None
        person_id = int_id(request.POST.get("person"))
        counter_id = int_id(request.POST.get("counter"))
        if person_id:
            person = get_user_model().objects.filter(pk=person_id).first()
            if person is None or (
                department is not None and person.department_id != department
            ):
                raise ApplicationError("invalid_input", "人员不存在。")
        if counter_id:
            counter = Counter.objects.filter(pk=counter_id).first()
            if counter is None:
                raise ApplicationError("invalid_input", "窗口不存在。")
        points_entry_create(
            actor=request.user,
            month=month,
            category=request.POST.get("category", ""),
            points=request.POST.get("points", ""),
            evidence_text=request.POST.get("evidence_text", ""),
            person=person,
            counter=counter,
            evidence_file=request.FILES.get("evidence_file"),
        )


class StatsReportListView(StatsRequiredMixin, View):
    """The archive of efficiency reports, and generating one."""

    def get(self, request: HttpRequest) -> HttpResponse:
        context = base_context(request, "reports")
        user = request.user
        department = assessment_scope(user)
        departments = Department.objects.order_by("name")
        if department is not None:
            departments = departments.filter(pk=department)
        context |= {
            "reports": report_list_for_user(user=user),
            "may_generate": can_generate_report(user, department),
            "centre_wide": department is None,
            "departments": list(departments.values_list("pk", "name")),
            "default_month": _default_month(),
        }
        return render(request, TEMPLATES + "reports.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        kind = request.POST.get("kind")
        period = (request.POST.get("period") or "").strip()
        raw = (request.POST.get("department") or "").strip()
        department = int_id(raw) if raw else None
        scope = assessment_scope(request.user)
        if scope is not None:
            department = scope  # a department head reports on their department
        try:
            if raw and department is None:
                raise ApplicationError("invalid_input", "部门编号无效。")
            kind_, period_, start, end = period_parse(
                month=period if kind == "month" else None,
                quarter=period if kind == "quarter" else None,
            )
            report = report_generate(
                kind=kind_,
                period=period_,
                start=start,
                end=end,
                actor=request.user,
                department_id=department,
            )
            messages.success(request, f"已生成并归档 {report.period} 效能通报。")
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("workbench:stats-reports")


class StatsReportFileView(StatsRequiredMixin, View):
    """Download an archived report's PDF or Excel (within the user's scope)."""

    def get(self, request: HttpRequest, report_id: int, kind: str) -> HttpResponse:
        if kind not in ("pdf", "xlsx"):
            raise Http404("文件类型无效。")
        try:
            report = report_get_for_user(user=request.user, report_id=report_id)
        except ApplicationError:
            raise Http404("效能通报不存在或无权查看。") from None
        stored = report.pdf if kind == "pdf" else report.xlsx
        if not stored:
            raise Http404("文件不存在。")
        return FileResponse(
            stored.open("rb"),
            as_attachment=kind == "xlsx",
            filename=f"效能通报-{report.period}.{kind}",
        )
