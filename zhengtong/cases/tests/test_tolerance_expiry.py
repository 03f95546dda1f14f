"""
容缺受理 that expires: a warning two working days before the deadline, then
the region's consequence (视为撤回 by default, 终止办理 or only 预警 by
override) with a notice and an audit event; running the job twice changes
nothing the second time.

Dates: accepted Monday 2026-06-15 with 5 working days → due Tuesday
2026-06-23 (端午 Friday 06-19 off, then the weekend), so the warning falls on
Thursday 06-18 and the consequence on Wednesday 06-24.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine
from pypdf import PdfReader
from rest_framework.test import APIClient

from zhengtong.cases import services
from zhengtong.cases.constants import DocumentKind, Status, ToleranceStatus
from zhengtong.cases.documents import document_render
from zhengtong.cases.models import Case, Notification
from zhengtong.cases.services_tolerance import (
    case_tolerance_followup,
    case_tolerance_supply,
    region_key,
    tolerance_rule_for,
)
from zhengtong.cases.tasks import case_tolerance_followup_job
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.core.tests.axe import assert_accessible

from .conftest import pdf_file

SH = ZoneInfo("Asia/Shanghai")


def travel(y: int, m: int, d: int, hour: int = 8, minute: int = 30):
    return time_machine.travel(datetime(y, m, d, hour, minute, tzinfo=SH), tick=False)


def actions(case) -> list[str]:
    return list(
        AuditEvent.objects.filter(stream=f"cases.case:{case.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def tolerant(world):
    """The item's second material (身份证明) may be tolerated."""
    material = world.materials[1]
    material.tolerance_allowed = True
    material.save(update_fields=["tolerance_allowed"])
    return material


def accepted_with_gap(world, tolerant, *, applicant=None) -> Case:
    """Accept on Monday 2026-06-15 with 身份证明 missing, 5 working days to bring it."""
    applicant = applicant or world.applicant
    with travel(2026, 6, 15, 10):
        case = services.case_create(
            applicant=applicant, item=world.item, actor=applicant, submit=False
        )
        services.case_material_add(
            case=case, actor=applicant, file=pdf_file(), material=world.materials[0]
        )
        case = services.case_submit(case=case, actor=applicant)
        return services.case_accept(
            case=case,
            actor=world.counter,
            tolerated_material_ids=[tolerant.pk],
            tolerance_days=5,
        )


def run(y, m, d, capture):
    with travel(y, m, d), capture(execute=True):
        return case_tolerance_followup()


def notice_text(case) -> str:
    document = document_render(case.documents.get(kind=DocumentKind.TOLERANCE_EXPIRED))
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(p.extract_text() for p in reader.pages).replace("\n", "")


def test_acceptance_notice_states_the_deadline_and_the_consequence(world, tolerant):
    case = accepted_with_gap(world, tolerant)
    assert case.tolerance_due_date.isoformat() == "2026-06-23"
    assert case.tolerance_status == ToleranceStatus.PENDING
    context = case.documents.get(kind=DocumentKind.ACCEPTANCE).context
    assert context["tolerance_consequence"] == "withdraw"
    assert context["tolerance_basis"] == "《安阳市政务服务条例》第二十四条"


def test_warns_two_working_days_before_across_the_holiday_and_weekend(
    world, tolerant, django_capture_on_commit_callbacks
):
    case = accepted_with_gap(world, tolerant)
    assert run(2026, 6, 17, django_capture_on_commit_callbacks)["warned"] == 0
    assert Case.objects.get(pk=case.pk).tolerance_status == ToleranceStatus.PENDING
    # Thursday 06-18: Friday (端午) and the weekend are not working days, so
    # 06-22 and 06-23 are the two working days left
    assert run(2026, 6, 18, django_capture_on_commit_callbacks)["warned"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.tolerance_status == ToleranceStatus.WARNED
    note = Notification.objects.get(user=world.applicant, event="tolerance_warning")
    assert "身份证明" in note.text and "2026年6月23日" in note.text
    assert "视为撤回" in note.text
    # once only: the same day again, the holiday, the due day
    for day in (18, 19, 22, 23):
        counts = run(2026, 6, day, django_capture_on_commit_callbacks)
        assert not any(counts.values()), (day, counts)
    assert Notification.objects.filter(event="tolerance_warning").count() == 1
    assert actions(case).count("tolerance_warn") == 1
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_withdraws_after_the_deadline_once(
    world, tolerant, django_capture_on_commit_callbacks
):
    case = accepted_with_gap(world, tolerant)
    run(2026, 6, 18, django_capture_on_commit_callbacks)
    assert run(2026, 6, 24, django_capture_on_commit_callbacks)["withdraw"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.WITHDRAWN
    assert case.tolerance_status == ToleranceStatus.EXPIRED
    assert case.lamp == "" and case.current_assignee_id is None
    assert "《安阳市政务服务条例》第二十四条" in case.closing_reason
    assert "身份证明" in case.closing_reason and "视为撤回申请" in case.closing_reason
    assert not case.steps.filter(status__in=("active", "pending")).exists()
    event = AuditEvent.objects.get(
        stream=f"cases.case:{case.pk}", action="deem_withdraw"
    )
    assert event.actor_label == "系统" and event.to_state == Status.WITHDRAWN
    text = notice_text(case)
    assert "视为撤回申请告知书" in text and "视为撤回" in text
    assert "2026年6月23日" in text and "身份证明" in text and "行政复议" in text
    assert Notification.objects.filter(
        user=world.applicant, event="tolerance_withdraw"
    ).exists()
    # a second run the same day, and the next day: nothing changes
    before = (actions(case), case.documents.count(), Notification.objects.count())
    for day in (24, 25):
        counts = run(2026, 6, day, django_capture_on_commit_callbacks)
        assert not any(counts.values())
    case = Case.objects.get(pk=case.pk)
    after = (actions(case), case.documents.count(), Notification.objects.count())
    assert after == before


def test_materials_supplied_in_time_end_the_follow_up(
    world, tolerant, django_capture_on_commit_callbacks
):
    case = accepted_with_gap(world, tolerant)
    api = APIClient()
    api.force_authenticate(world.applicant)
    with travel(2026, 6, 22, 15):
        r = api.post(
            f"/api/v1/cases/{case.pk}/tolerance-supply/",
            {"files": [pdf_file("身份证.pdf")], "material_ids": [tolerant.pk]},
            format="multipart",
        )
    assert r.status_code == 200, r.json()
    assert Case.objects.get(pk=case.pk).tolerance_status == ToleranceStatus.SUPPLIED
    assert not any(run(2026, 6, 24, django_capture_on_commit_callbacks).values())
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    # nothing left to hand in
    with travel(2026, 6, 24, 9), pytest.raises(ApplicationError) as err:
        case_tolerance_supply(
            case=case,
            actor=world.applicant,
            files=[(tolerant.pk, pdf_file("身份证.pdf"))],
        )
    assert err.value.code == "tolerance_not_pending"


def test_only_tolerated_materials_may_be_handed_in(world, tolerant):
    case = accepted_with_gap(world, tolerant)
    with travel(2026, 6, 16), pytest.raises(ApplicationError) as err:
        case_tolerance_supply(
            case=case,
            actor=world.applicant,
            files=[(world.materials[0].pk, pdf_file())],
        )
    assert err.value.code == "invalid_material"
    with travel(2026, 6, 16), pytest.raises(ApplicationError) as err:
        case_tolerance_supply(
            case=case,
            actor=world.other_applicant,
            files=[(tolerant.pk, pdf_file())],
        )
    assert err.value.code == "not_permitted"


def test_region_override_terminates_instead(
    world, tolerant, settings, django_capture_on_commit_callbacks
):
    case = accepted_with_gap(world, tolerant)
    settings.CASES_TOLERANCE_EXPIRY = {
        **settings.CASES_TOLERANCE_EXPIRY,
        "regions": {
            "510000": {"consequence": "warn"},  # the province: only a warning
            case.region_code[:6]: {  # the county wins (longer code)
                "consequence": "terminate",
                "basis": "《广安市容缺受理办法》第九条",
            },
        },
    }
    assert run(2026, 6, 24, django_capture_on_commit_callbacks)["terminate"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.TERMINATED
    assert "《广安市容缺受理办法》第九条" in case.closing_reason
    assert "终止办理" in case.closing_reason
    assert "terminate" in actions(case)
    assert "终止办理告知书" in notice_text(case)


def test_region_override_only_warns_and_the_case_goes_on(
    world, tolerant, settings, django_capture_on_commit_callbacks
):
    case = accepted_with_gap(world, tolerant)
    settings.CASES_TOLERANCE_EXPIRY = {
        **settings.CASES_TOLERANCE_EXPIRY,
        "regions": {"5116": {"consequence": "warn"}},
    }
    assert run(2026, 6, 24, django_capture_on_commit_callbacks)["warn"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.ACCEPTED
    assert case.tolerance_status == ToleranceStatus.EXPIRED
    assert "tolerance_expired" in actions(case)
    assert "容缺材料逾期未补齐告知书" in notice_text(case)
    assert Notification.objects.filter(
        user=case.current_assignee, event="tolerance_expired_staff"
    ).exists()
    assert not any(run(2026, 6, 25, django_capture_on_commit_callbacks).values())
    # the materials may still be handed in afterwards
    with travel(2026, 6, 26, 9):
        case_tolerance_supply(
            case=case, actor=world.counter, files=[(tolerant.pk, pdf_file())]
        )
    assert Case.objects.get(pk=case.pk).tolerance_status == ToleranceStatus.SUPPLIED


def test_selection_is_one_query_however_many_cases_are_open(
    world, tolerant, django_capture_on_commit_callbacks
):
    from zhengtong.cases import clock

    for _ in range(3):
        accepted_with_gap(world, tolerant)
    clock.calendar()  # the calendar is read once per process, not per case
    with travel(2026, 6, 15, 20), CaptureQueriesContext(connection) as ctx:
        counts = case_tolerance_followup()
    assert not any(counts.values())
    selects = [q["sql"] for q in ctx.captured_queries if "cases_case" in q["sql"]]
    assert len(selects) == 1 and "tolerance_due_date" in selects[0]


def test_the_daily_task_runs_the_follow_up(world, tolerant):
    accepted_with_gap(world, tolerant)
    with travel(2026, 6, 18):
        assert case_tolerance_followup_job.call_local()["warned"] == 1


def test_region_keys_and_rules():
    assert region_key("511602000000") == "511602"
    assert region_key("510000") == "51"
    assert region_key("511602001000") == "511602001"
    rule = tolerance_rule_for("511602000000")
    assert rule.consequence == "withdraw" and rule.warn_working_days == 2


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_pages_in_chromium(django_db_setup, live_server, page, browser, artifacts_dir):
    """Real date for the pages (session cookies); the job runs at a computed day."""
    from datetime import timedelta

    from playwright.sync_api import expect

    from .conftest import World

    world = World()
    material = world.materials[1]
    material.tolerance_allowed = True
    material.save(update_fields=["tolerance_allowed"])
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant, submit=False
    )
    services.case_material_add(
        case=case, actor=world.applicant, file=pdf_file(), material=world.materials[0]
    )
    case = services.case_submit(case=case, actor=world.applicant)
    case = services.case_accept(
        case=case, actor=world.counter, tolerated_material_ids=[material.pk]
    )
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/?next=/cases/{case.pk}/")
    page.fill("#id_username", "zhang")
    page.fill("#id_password", "pw-123456")
    page.get_by_role("button", name="登录").click()
    form = page.locator("#tolerance")
    expect(form).to_contain_text("补齐容缺材料")
    expect(form).to_contain_text(material.name)
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "tolerance-01-applicant-form.png"), full_page=True
    )
    # the day after the deadline, at 08:30: 视为撤回
    after = case.tolerance_due_date + timedelta(days=1)
    moment = datetime(after.year, after.month, after.day, 8, 30, tzinfo=SH)
    assert case_tolerance_followup(now=moment)["withdraw"] == 1
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(f"{base}/accounts/login/?next=/workbench/cases/{case.pk}/")
    staff.fill("#id_username", "counter")
    staff.fill("#id_password", "pw-123456")
    staff.get_by_role("button", name="登录").click()
    expect(staff.locator(".status-big")).to_have_text("已撤回")
    expect(staff.locator(".timeline")).to_contain_text("视为撤回")
    assert_accessible(staff)
    staff.screenshot(
        path=str(artifacts_dir / "tolerance-02-workbench-withdrawn.png"), full_page=True
    )
    notice = case.documents.get(kind=DocumentKind.TOLERANCE_EXPIRED)
    pdf = staff.request.get(f"{base}/cases/documents/{notice.pk}/")
    assert pdf.ok
    (artifacts_dir / "tolerance-withdrawn-notice.pdf").write_bytes(pdf.body())
    accepted = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    pdf = staff.request.get(f"{base}/cases/documents/{accepted.pk}/")
    (artifacts_dir / "tolerance-acceptance-notice.pdf").write_bytes(pdf.body())
