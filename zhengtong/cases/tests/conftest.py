"""Fixtures of the cases tests: a department with staff, an item, files."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import staff_post_set, user_create
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """Return an aware datetime in Shanghai time."""
    return datetime(y, m, d, hour, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _cases_day(frozen_today):
    """Run every cases test on Monday 2026-03-02 10:00 (root ``frozen_today``).

    Every path of a case counts deadlines from today (submission, acceptance,
    lamps, notices), so no cases test may see the real date. A test with
    another story overrides ``frozen_moment``.
    """


# a complete PDF without pages (pypdf writes it; uploads are parsed)
PDF_BYTES = b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n/Count 0\n/Kids [ ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000107 00000 n \ntrailer\n<<\n/Size 4\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n156\n%%EOF\n"
# a 1×1 PNG that decodes (uploads are decoded in full)
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00"
    b"\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
)


def pdf_file(name: str = "申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def ofd_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(
            "OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"
        )
        archive.writestr("Doc_0/Document.xml", "<doc/>")
    return buf.getvalue()


class World:
    """The people and the item most tests need."""

    def __init__(self, *, online: bool = False) -> None:
        self.dept = DepartmentFactory(name="区行政审批局", short_name="广安区审批")
        self.other_dept = DepartmentFactory(name="区市场监督管理局")
        self.item = ServiceItemFactory(
            department=self.dept,
            online_available=online,
            published__promised_days=5,
            published__statutory_days=20,
        )
        self.version = self.item.current_version
        self.materials = list(self.version.materials.order_by("order", "id"))
        self.applicant = user_create(
            username="zhang",
            password="pw-123456",
            roles=[Role.APPLICANT],
            display_name="张三",
            phone="13800001111",
        )
        self.applicant.email = "zhang@example.com"
        self.applicant.save(update_fields=["email"])
        self.other_applicant = user_create(
            username="li",
            password="pw-123456",
            roles=[Role.APPLICANT],
            display_name="李四",
        )
        self.counter = user_create(
            username="counter",
            password="pw-123456",
            roles=[Role.COUNTER_STAFF],
            display_name="王窗口",
            department=self.dept,
            is_staff=True,
        )
        self.reviewer = user_create(
            username="reviewer",
            password="pw-123456",
            roles=[Role.REVIEWER],
            display_name="赵审批",
            department=self.dept,
            is_staff=True,
        )
        self.reviewer_b = user_create(
            username="reviewer_b",
            password="pw-123456",
            roles=[Role.REVIEWER],
            display_name="孙备岗",
            department=self.dept,
            is_staff=True,
        )
        staff_post_set(user=self.reviewer, department=self.dept, backup=self.reviewer_b)
        # 部门负责人: approves extensions of the department's cases (Art. 42)
        self.head = user_create(
            username="dept_head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="孙局长",
            department=self.dept,
            is_staff=True,
        )
        self.admin = user_create(
            username="centre",
            password="pw-123456",
            roles=[Role.CENTRE_ADMIN],
            display_name="中心管理员",
            department=self.dept,
            is_staff=True,
        )
        self.supervisor = user_create(
            username="super",
            password="pw-123456",
            roles=[Role.SUPERVISOR],
            display_name="钱监察",
            is_staff=True,
        )
        self.foreign_reviewer = user_create(
            username="foreign",
            password="pw-123456",
            roles=[Role.REVIEWER, Role.COUNTER_STAFF],
            display_name="外部门",
            department=self.other_dept,
            is_staff=True,
        )

    def fresh(self, user):
        """Return the user re-read (role cache cleared)."""
        return type(user).objects.get(pk=user.pk)


@pytest.fixture
def world(db) -> World:
    return World()


def complete_case(w: World, now, *, item=None, applicant=None):
    """Return a submitted case with every required material uploaded."""
    from zhengtong.cases import services

    item = item or w.item
    applicant = applicant or w.applicant
    case = services.case_create(
        applicant=applicant, item=item, actor=applicant, submit=False, now=now
    )
    for material in item.current_version.materials.order_by("order"):
        services.case_material_add(
            case=case, actor=applicant, file=pdf_file(), material=material
        )
    return services.case_submit(case=case, actor=applicant, now=now)


def to_deciding_step(case, now=None):
    """
    Complete the steps of an accepted case up to its deciding step (批准),
    each by its assignee, and return who decides there.
    """
    from zhengtong.cases import services
    from zhengtong.cases.models import CaseStep

    while True:
        step = (
            CaseStep.objects.filter(case=case, status="active")
            .select_related("assignee")
            .get()
        )
        if step.decides:
            return step.assignee
        services.case_step_complete(
            case=case, actor=step.assignee, opinion="同意。", now=now
        )
