"""A 联办件 world: three departments, each with a reviewer, one item."""

import io

from pypdf import PdfReader

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases.documents import document_render
from zhengtong.cases.models_joint import JointBranchTemplate
from zhengtong.catalog.tests.factories import DepartmentFactory

from .conftest import World


def staff(username: str, dept, *roles: str):
    return user_create(
        username=username,
        password="pw-123456",
        roles=list(roles),
        display_name=username,
        department=dept,
        is_staff=True,
    )


class JointWorld(World):
    """The cases world plus a third department and a joint definition."""

    def __init__(self, *, departments: int = 3, stop_on_denial: bool = False) -> None:
        super().__init__()
        self.third_dept = DepartmentFactory(name="区消防救援大队")
        self.rev_other = staff("rev_other", self.other_dept, Role.REVIEWER)
        self.rev_third = staff("rev_third", self.third_dept, Role.REVIEWER)
        self.head_other = staff("head_other", self.other_dept, Role.DEPARTMENT_HEAD)
        self.counter_other = staff("counter_other", self.other_dept, Role.COUNTER_STAFF)
        depts = [self.dept, self.other_dept, self.third_dept][:departments]
        for order, dept in enumerate(depts, start=1):
            JointBranchTemplate.objects.create(
                item_version=self.version,
                department=dept,
                order=order,
                is_lead=order == 1,
                limit_days=20,
                denial_stops_others=stop_on_denial and order == 2,
            )

    def branch_of(self, case, dept):
        return case.branches.get(department=dept)


def pdf_text(document) -> str:
    document = document_render(document)
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def client_for(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
