"""
Demo cases: one or more cases in every state for the demo accounts.

Everything goes through services (catalog services for the demo guide
versions, cases services for every case and transition), so each demo case
has its audit trail, notices and clocks like a real one.

The real 广安区 catalogue carries no materials and no time limits. For the
demo, ``DEMO_ITEM_COUNT`` published items of 区行政审批局 get a new guide
version marked 演示 (demo limits and a generic material checklist), created
with ``item_version_create_draft`` and published with ``item_version_publish``;
the imported versions stay untouched in the version history.

Every scenario runs at a moment of its own (``_clock_at``): the cases due
soon and overdue on the past working day they were accepted, the others now
(on the last working day when the seed runs on a rest day), so a case's
dates (收件, 受理, steps) agree with its events and notices.

Idempotent: each scenario has an idempotency key and is skipped when its
case exists. A scenario that fails (for example because the holiday
calendar of the year is not loaded) is reported and skipped; it never
stops ``seed_demo``.
"""

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.catalog.constants import (
    DayUnit,
    HandlingMode,
    MaterialForm,
    MaterialRequirement,
    OnlineDepth,
    VersionStatus,
)
from zhengtong.catalog.models import Department, ServiceItem
from zhengtong.catalog.services import item_version_create_draft, item_version_publish
from zhengtong.core.errors import ApplicationError

from . import clock, services
from .constants import DeliveryMethod, Lamp, Outcome, StepStatus, SuspensionKind
from .models import Case, CaseStep

DEPARTMENT = "区行政审批局"
DEMO_ITEM_COUNT = 4
DEMO_NOTE = "演示数据：本版本的时限和材料清单为演示设定，实际以窗口告知为准。"
DEMO_LIMITS = [(5, 20), (10, 20), (3, 15), (7, 20)]  # (promised, statutory)
# 承办 and 审核 by the reviewer, 批准 (the decision) by the 部门负责人 (head):
# the same person does not 承办 and 批准 (separation of duties).
DEMO_STEPS = [
    ("承办", Role.REVIEWER.value, None, False),
    ("审核", Role.REVIEWER.value, None, False),
    ("批准", Role.DEPARTMENT_HEAD.value, None, True),
]
DEMO_MATERIALS = [
    ("申请书", MaterialRequirement.REQUIRED, False),
    ("申请人身份证明", MaterialRequirement.REQUIRED, False),
    ("经营（办公）场所使用证明", MaterialRequirement.REQUIRED, True),
    ("委托书及受托人身份证明（委托办理时）", MaterialRequirement.CONDITIONAL, False),
]
COPY_FIELDS = (
    "name",
    "category",
    "basic_code",
    "business_code",
    "item_type",
    "item_type_code",
    "department",
    "implementing_body",
    "service_object",
    "exercise_level",
    "conditions",
    "is_joint",
    "is_report_up",
    "procedure",
    "statutory_note",
    "is_free",
    "fee_note",
    "max_visits",
    "place",
    "office_hours",
    "traffic",
    "consult_phone",
    "supervise_phone",
    "result_name",
    "result_type",
)
PDF_CACHE: dict[str, bytes] = {}


def _say(stdout: IO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _pdf(name: str) -> ContentFile:
    """Return a small one-page PDF labelled with the material name."""
    if name not in PDF_CACHE:
        from zhengtong.core.pdf import pdf_render

        PDF_CACHE[name] = pdf_render("cases/pages/demo_material.html", {"name": name})
    return ContentFile(PDF_CACHE[name], name=f"{name[:20]}.pdf")


def _is_demo_ready(item: ServiceItem) -> bool:
    version = item.current_version
    return bool(
        version
        and version.status == VersionStatus.PUBLISHED
        and version.promised_days
        and version.statutory_days
        and version.materials.exists()
    )


def demo_items(*, department: Department, today: datetime.date) -> list[ServiceItem]:
    """
    Return the demo items, giving them a demo guide version where needed.

    中文：演示事项（演示版本办事指南）
    """
    items = list(
        ServiceItem.objects.filter(
            department=department, current_version__status=VersionStatus.PUBLISHED
        )
        .select_related("current_version")
        .order_by("item_code")[: DEMO_ITEM_COUNT * 5]
    )
    ready = [i for i in items if _is_demo_ready(i)]
    for item in items:
        if len(ready) >= DEMO_ITEM_COUNT:
            break
        if item in ready:
            continue
        demo_version_give(item=item, n=len(ready), today=today)
        ready.append(item)
    return ready


def demo_version_give(*, item: ServiceItem, n: int, today: datetime.date) -> None:
    """
    Publish a demo guide version of ``item`` (limits, channels, materials).

    中文：演示版本办事指南
    """
    current = item.current_version
    promised, statutory = DEMO_LIMITS[n % len(DEMO_LIMITS)]
    data: dict[str, Any] = {f: getattr(current, f) for f in COPY_FIELDS}
    data.update(
        {
            "handling_mode": HandlingMode.COMMITTED,
            "promised_days": promised,
            "promised_unit": DayUnit.WORKING,
            "promised_note": DEMO_NOTE,
            "statutory_days": statutory,
            "statutory_unit": DayUnit.WORKING,
            "channels": sorted({*(current.channels or []), "online", "counter"}),
            "online_depth": OnlineDepth.FULL,
            "data_quality_notes": [DEMO_NOTE],
        }
    )
    materials = [
        {
            "order": order,
            "name": name,
            "requirement": requirement,
            "original_count": 1,
            "copy_count": 1,
            "form": MaterialForm.BOTH,
            "tolerance_allowed": tolerance,
        }
        for order, (name, requirement, tolerance) in enumerate(DEMO_MATERIALS, start=1)
    ]
    with transaction.atomic():
        version = item_version_create_draft(
            item=item, data=data, children={"materials": materials}
        )
        item_version_publish(version=version, effective_from=today)
    item.refresh_from_db()


class Demo:
    """The people and items the scenarios use."""

    def __init__(self, items: list[ServiceItem], users: dict[str, User]) -> None:
        self.items = items
        self.users = users
        self.counter = users["counter"]
        self.reviewer = users["reviewer"]
        self.admin = users["admin"]
        self.head = users.get("head")

    def item(self, n: int) -> ServiceItem:
        return self.items[n % len(self.items)]

    def new(
        self,
        key: str,
        applicant: str,
        n: int,
        *,
        files: str = "all",
        now: datetime.datetime | None = None,
        submit: bool = True,
    ) -> Case:
        applicant_user = self.users[applicant]
        item = self.item(n)
        case = services.case_create(
            applicant=applicant_user,
            item=item,
            actor=applicant_user,
            form_data={
                "contact_name": applicant_user.subject_name,
                "contact_phone": applicant_user.phone or "13800000000",
                "matter": f"演示办件：{item.current_version.name}",
            },
            submit=False,
            idempotency_key=f"demo-{key}",
            now=now,
        )
        materials = list(item.current_version.materials.order_by("order", "id"))
        required = [
            m for m in materials if m.requirement == MaterialRequirement.REQUIRED
        ]
        chosen = {"all": required, "some": required[:1], "none": []}[files]
        for material in chosen:
            services.case_material_add(
                case=case,
                actor=applicant_user,
                file=_pdf(material.name),
                material=material,
            )
        if submit:
            case = services.case_submit(case=case, actor=applicant_user, now=now)
        return case

    def accepted(self, key, applicant, n, *, now=None) -> Case:
        case = self.new(key, applicant, n, now=now)
        return services.case_accept(
            case=case, actor=self.counter, note="材料齐全，予以受理。", now=now
        )

    def step(self, case: Case, opinion: str = "同意。", now=None) -> Case:
        case.refresh_from_db()
        assignee = User.objects.get(pk=case.current_assignee_id)
        services.case_step_complete(case=case, actor=assignee, opinion=opinion, now=now)
        case.refresh_from_db()
        return case

    def _at_deciding_step(self, case: Case) -> bool:
        return CaseStep.objects.filter(
            case=case, status=StepStatus.ACTIVE, decides=True
        ).exists()

    def reviewed(self, key, applicant, n, *, now=None) -> Case:
        """Return an accepted case whose steps are done up to the deciding one."""
        case = self.accepted(key, applicant, n, now=now)
        while case.current_assignee_id and not self._at_deciding_step(case):
            case = self.step(case, now=now)
        return case

    def assignee(self, case: Case) -> User:
        """Return the current assignee (at the deciding step: who decides)."""
        case.refresh_from_db()
        return User.objects.get(pk=case.current_assignee_id)


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _working_moment(days: int, hour: int = 10) -> datetime.datetime | None:
    """
    Return ``hour`` o'clock of the last working day at least ``days`` days
    ago (None when that is now: today is a working day and ``days`` is 0).
    """
    cal = clock.calendar()
    now = timezone.now()
    day = timezone.localdate(now) - datetime.timedelta(days=days)
    if days == 0 and cal.is_working_day(day):
        return None
    if days == 0:
        hour = 15
    while not cal.is_working_day(day):
        day -= datetime.timedelta(days=1)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, now)


@contextlib.contextmanager
def _clock_at(moment: datetime.datetime | None) -> Iterator[None]:
    """
    Run a demo scenario as if at ``moment``: every time stored meanwhile (the
    case's own times, its audit events, notices, messages, uploads) starts
    there and runs on, so the case's dates agree with its events.

    Demo seed only: ``django.utils.timezone.now`` is replaced for the
    duration (``seed_demo`` is a one-shot, single-threaded command; every
    module reads the clock through it). ``None`` leaves the clock alone.
    """
    if moment is None:
        yield
        return
    real_now = timezone.now
    started = real_now()
    timezone.now = lambda: moment + (real_now() - started)
    try:
        yield
    finally:
        timezone.now = real_now


def _accepted_at_for_yellow(promised_days: int) -> datetime.datetime:
    """Return a past acceptance time whose due date makes the lamp yellow."""
    cal = clock.calendar()
    today = timezone.localdate()
    for back in range(1, 40):
        start = today - datetime.timedelta(days=back)
        if not cal.is_working_day(start):
            continue  # the counter accepts on working days
        due = clock.add_days(cal, start, promised_days)
        if clock.lamp_for(cal, due, today) == Lamp.YELLOW:
            return timezone.make_aware(
                datetime.datetime.combine(start, datetime.time(10))
            )
    return timezone.now()


def _scenarios(d: Demo) -> list[tuple[str, str, Callable[[], Any]]]:
    def draft():
        d.new("draft", "applicant", 0, files="some", submit=False)

    def submitted():
        d.new("submitted", "applicant", 0)

    def submitted_incomplete():
        d.new("submitted-incomplete", "applicant2", 1, files="some")

    def supplement():
        case = d.new("supplement", "applicant", 1, files="some")
        services.case_supplement_request(
            case=case, actor=d.counter, reason="请补交缺少的材料后重新提交。"
        )

    def accepted():
        d.accepted("accepted", "applicant2", 2)

    def under_review():
        case = d.accepted("under-review", "applicant", 3)
        d.step(case, "材料审查无误，拟同意。")

    def suspended():
        case = d.accepted("suspended", "applicant2", 0)
        d.step(case, "需组织专家评审。")
        services.case_suspend(
            case=case,
            actor=d.reviewer,
            kind=SuspensionKind.EXPERT_REVIEW,
            reason="申请涉及专业技术问题，需组织专家评审。",
            expected_days=5,
        )

    def extended():
        # The reviewer handling the case asks, the 部门负责人 approves (Art. 42).
        case = d.accepted("extended", "applicant", 1)
        services.case_extension_request(
            case=case,
            actor=d.assignee(case),
            days=5,
            reason="需现场核查经营场所，二十个工作日内不能作出决定。",
        )
        services.case_extension_approve(
            case=case, actor=d.head or d.admin, note="同意延长5个工作日。"
        )

    def approved():
        case = d.reviewed("approved", "applicant", 2)
        services.case_decide(
            case=case,
            actor=d.assignee(case),
            outcome=Outcome.APPROVE,
            reason="符合法定条件和标准。",
        )
        services.case_certificate_issue(case=case, actor=d.counter)

    def denied():
        case = d.reviewed("denied", "applicant2", 3)
        services.case_decide(
            case=case,
            actor=d.assignee(case),
            outcome=Outcome.DENY,
            reason="经营场所与住宅未有效隔离，不符合法定条件。",
        )

    def concluded():
        case = d.reviewed("concluded", "applicant", 0)
        services.case_decide(
            case=case,
            actor=d.assignee(case),
            outcome=Outcome.APPROVE,
            reason="符合条件。",
        )
        services.case_deliver(
            case=case,
            actor=d.counter,
            method=DeliveryMethod.MAIL,
            recipient=case.applicant_name,
            tracking="SF1234567890",
        )
        services.case_conclude(case=case, actor=d.counter, note="已邮寄送达。")

    def refused():
        case = d.new("refused", "applicant2", 1)
        services.case_refuse(
            case=case,
            actor=d.counter,
            reason="申请事项不属于行政许可范畴，依法不予受理。",
        )

    def withdrawn():
        case = d.new("withdrawn", "applicant", 2)
        services.case_withdraw(
            case=case, actor=d.users["applicant"], reason="申请人主动撤回。"
        )

    def overdue():
        # Accepted five weeks ago and still in review: the lamp turns red.
        with _clock_at(_working_moment(35)):
            case = d.accepted("overdue", "applicant2", 0)
            d.step(case, "同意。")

    def due_soon():
        item = d.item(0)
        now = _accepted_at_for_yellow(item.current_version.promised_days or 5)
        with _clock_at(now):
            d.accepted("due-soon", "applicant", 0)

    return [
        ("draft", "草稿", draft),
        ("submitted", "已收件（待受理）", submitted),
        ("submitted-incomplete", "已收件（材料不全，待补正）", submitted_incomplete),
        ("supplement", "补正中", supplement),
        ("accepted", "已受理", accepted),
        ("under-review", "审查中（办理环节）", under_review),
        ("suspended", "特别程序（专家评审）", suspended),
        ("extended", "已延期", extended),
        ("approved", "准予许可并已颁证", approved),
        ("denied", "不予许可", denied),
        ("concluded", "已办结", concluded),
        ("refused", "不予受理", refused),
        ("withdrawn", "已撤回", withdrawn),
        ("due-soon", "即将到期（黄灯）", due_soon),
        ("overdue", "已超期（红灯）", overdue),
    ]


def seed(*, password: str, stdout: IO | None = None) -> None:
    """
    Create the demo cases (idempotent; ``password`` is not used here).

    中文：演示办件
    """
    department = Department.objects.filter(name=DEPARTMENT).first()
    names = ("applicant", "applicant2", "counter", "reviewer", "admin")
    users = {u.username: u for u in User.objects.filter(username__in=(*names, "head"))}
    if department is None or len(users) < len(names):
        _say(stdout, f"演示办件：缺少部门“{DEPARTMENT}”或演示账号，跳过。")
        return
    today = timezone.localdate()
    try:
        items = demo_items(department=department, today=today)
    except ApplicationError as exc:
        _say(stdout, f"演示办件：无法准备演示事项（{exc.message}），跳过。")
        return
    if not items:
        _say(stdout, f"演示办件：部门“{DEPARTMENT}”没有已发布的事项，跳过。")
        return
    if "head" in users:  # without the 部门负责人 the default steps apply
        for item in items:
            if not item.step_templates.filter(item_version__isnull=True).exists():
                services.step_templates_set(item=item, steps=DEMO_STEPS)
    demo = Demo(items, users)
    created, skipped, failed = 0, 0, []
    for key, label, run in _scenarios(demo):
        exists = Case.objects.filter(idempotency_key=f"demo-{key}").exists()
        if exists:
            skipped += 1
            continue
        try:
            # Today's scenarios on the last working day when today is not one.
            with _clock_at(_working_moment(0)), transaction.atomic():
                run()
            created += 1
        except ApplicationError as exc:
            failed.append(f"{label}（{exc.message}）")
    from .demo_joint import seed_joint

    try:
        with _clock_at(_working_moment(0)):
            line = seed_joint(
                demo=demo,
                department=department,
                password=password,
                give=demo_version_give,
            )
    except ApplicationError as exc:
        line = f"演示联办件：未能创建（{exc.message}）。"
    _say(stdout, line)
    try:
        services.case_clocks_refresh()
    except ApplicationError as exc:
        failed.append(f"刷新亮灯（{exc.message}）")
    _say(
        stdout,
        f"演示办件：新建{created}个场景，已存在{skipped}个。"
        + ("未能创建：" + "；".join(failed) if failed else ""),
    )
