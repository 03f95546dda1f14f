"""
Demo complaints and first-question records (README), idempotent:

- the complaint phones (中心投诉电话, 效能投诉电话) and staff badges (工号、
  岗位、业务范围) of the demo counter staff, shown on the displays;
- a discipline officer ``jijian`` (纪检监察) who alone sees the integrity
  complaint;
- complaints in different states: answered on the spot, waiting for its
  proposal (late, red), transferred to a department, replied and revisited,
  a 12345 transfer, and one integrity complaint (不廉洁);
- first-question records: answered, a confirmed handover and a handover
  left unconfirmed (red on the supervision desk).
"""

from datetime import timedelta
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.catalog.models import Counter, Hall

from .catalogue import DISCIPLINE_GROUP, catalogue_seed
from .models_complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintContact,
    FirstQuestion,
    StaffBadge,
)
from .services import complaints as cs
from .services import first_questions as fq

User = get_user_model()

BADGES = {
    "counter": ("GA0301", "综合受理窗口受理员", "企业开办、个体工商户登记"),
    "counter2": ("GA0302", "综合受理窗口受理员", "社会事务、不动产登记咨询"),
    "reviewer": ("GA0511", "审批科科员", "市场主体登记审批"),
    "reviewer2": ("GA0512", "审批科科员", "社会事务审批"),
}


def _user(name: str) -> Any:
    return User.objects.filter(username=name).first()


def _days_ago(n: int) -> Any:
    return timezone.now() - timedelta(days=n)


def _discipline_officer(password: str) -> Any:
    officer = _user("jijian")
    if officer is None:
        officer = user_create(
            username="jijian",
            password=password,
            roles=[Role.SUPERVISOR],
            display_name="吴纪检",
            is_staff=True,
        )
    group = Group.objects.filter(name=DISCIPLINE_GROUP).first()
    if group is not None:
        officer.groups.add(group)
    return User.objects.get(pk=officer.pk)


def _complaints(staff: dict[str, Any], officer: Any) -> int:
    admin, supervisor = staff["admin"], staff["supervisor"]
    counter = Counter.objects.filter(staff_members=staff["counter"]).first()
    counter_id = counter.pk if counter else None
    applicant, applicant2 = _user("applicant"), _user("applicant2")
    made = 0
    if admin is None or supervisor is None:
        return 0
    # answered on the spot (现场, oral)
    c = cs.complaint_create(
        actor=admin,
        category="attitude",
        subcategory="attitude_unclear",
        channel="onsite",
        content="咨询社保转移接续，窗口人员解释不清。",
        counter_id=counter_id,
        complainant_name="陈先生",
        complainant_phone="13700001234",
        now=_days_ago(6),
    )
    cs.complaint_reply(
        complaint=c,
        actor=admin,
        text="当场由值班主任重新解答，群众表示理解。",
        verified=False,
        now=_days_ago(6),
    )
    made += 1
    # waiting for its proposal, past the 2 working days (red)
    if applicant is not None:
        cs.complaint_create(
            actor=applicant,
            category="rules",
            subcategory="rules_returned",
            channel="online",
            content="材料齐全却被要求回去补开证明，来回跑了三次。",
            counter_id=counter_id,
            now=_days_ago(5),
        )
        made += 1
    # transferred to a department, reply due
    c = cs.complaint_create(
        actor=supervisor,
        category="rules",
        subcategory="rules_overdue",
        channel="letter",
        content="申请的食品经营许可超过承诺时限仍未办结。",
        complainant_name="刘女士",
        complainant_phone="13811112222",
        now=_days_ago(2),
    )
    reviewer = staff["reviewer"]
    department = getattr(reviewer, "department", None)
    if department:
        cs.complaint_propose(
            complaint=c,
            actor=supervisor,
            route="transfer",
            proposal="转承办部门核查超期原因，5个工作日内书面答复。",
            department_id=department.pk,
            now=_days_ago(1),
        )
        cs.complaint_approve(complaint=c, actor=admin, note="同意转办。")
        cs.complaint_transfer(complaint=c, actor=supervisor)
    made += 1
    # replied (written) and revisited
    c = cs.complaint_create(
        actor=admin,
        category="fees",
        subcategory="fees_no_invoice",
        channel="letter",
        content="缴纳工本费后未取得财政票据。",
        complainant_name="王先生",
        complainant_phone="13922223333",
        now=_days_ago(8),
    )
    cs.complaint_reply(
        complaint=c,
        actor=admin,
        text="经核查，系票据打印机故障所致，已补开财政票据并邮寄，对给您带来的不便深表歉意。",
        verified=True,
        now=_days_ago(7),
    )
    cs.complaint_revisit(
        complaint=c, actor=supervisor, result="satisfied", text="电话回访，投诉人满意。"
    )
    made += 1
    # a 12345 transfer
    cs.complaint_create(
        actor=admin,
        category="other",
        subcategory="other_unsatisfied",
        channel="hotline",
        hotline_number="12345-" + timezone.localdate().strftime("%Y%m%d") + "-0086",
        hotline_type="hotline_complaint",
        content="反映大厅周末预约号源太少。",
        complainant_name="赵女士",
        complainant_phone="13633334444",
    )
    made += 1
    # integrity (不廉洁): only the discipline officer sees it
    cs.complaint_create(
        actor=applicant2 or admin,
        category="integrity",
        subcategory="integrity_extortion",
        channel="online",
        content="办理过程中有人暗示需要“意思一下”才能加快。",
        counter_id=counter_id,
        complainant_name="匿名",
    )
    made += 1
    return made


def _first_questions(staff: dict[str, Any]) -> int:
    counter, counter2 = staff["counter"], staff["counter2"]
    if counter is None:
        return 0
    fq.first_question_create(
        actor=counter,
        channel="onsite",
        question="个体工商户设立需要带哪些材料？",
        outcome="answered",
        asker_name="孙女士",
        asker_phone="13512345678",
        result="已一次性告知所需材料并发放办事指南。",
        now=_days_ago(3),
    )
    if counter2 is not None:
        e = fq.first_question_create(
            actor=counter,
            channel="phone",
            question="来电咨询不动产继承登记流程。",
            outcome="handover",
            asker_name="周先生",
            asker_phone="13698765432",
            handover_to_id=counter2.pk,
            now=_days_ago(4),
        )
        fq.first_question_confirm(entry=e, actor=counter2, note="已电话联系来电人。")
        # left unconfirmed past its limit: red on the supervision desk
        fq.first_question_create(
            actor=counter,
            channel="onsite",
            question="询问社会团体变更登记由哪个窗口办理。",
            outcome="handover",
            asker_name="吴先生",
            asker_phone="13787654321",
            handover_to_id=counter2.pk,
            now=_days_ago(5),
        )
    return FirstQuestion.objects.count()


def complaints_seed(*, password: str, stdout: IO | None = None) -> None:
    catalogue_seed(ComplaintCategory)
    hall = Hall.objects.order_by("id").first()
    ComplaintContact.objects.get_or_create(
        hall=None,
        region_code="",
        defaults={
            "centre_phone": "0826-2612345",
            "efficiency_phone": "0826-2612318",
            "note": "网上投诉：政务服务网“我要投诉”",
        },
    )
    for username, (number, title, scope) in BADGES.items():
        user = _user(username)
        if user is not None:
            StaffBadge.objects.get_or_create(
                user=user,
                defaults={"staff_number": number, "title": title, "scope": scope},
            )
    officer = _discipline_officer(password)
    staff = {
        name: _user(name)
        for name in ("admin", "supervisor", "counter", "counter2", "reviewer")
    }
    made = 0
    if not Complaint.objects.exists():
        made = _complaints(staff, officer)
    entries = FirstQuestion.objects.count() or _first_questions(staff)
    if stdout:
        stdout.write(
            f"投诉与首问：投诉 {Complaint.objects.count()} 件（本次新建 {made}），"
            f"首问登记 {entries} 条；纪检账号 jijian，投诉电话已配置"
            f"{'（' + hall.name + '）' if hall else ''}。"
        )
