"""Demo accounts (README lists them). Idempotent."""

from typing import IO

from zhengtong.catalog.models import Department

from .constants import Role
from .models import User
from .services import roles_bootstrap, user_create

DEMO_ACCOUNTS = [
    # username, display name, roles, department name (first match), superuser
    ("admin", "系统管理员", [Role.CENTRE_ADMIN], None, True),
    ("applicant", "张三（申请人）", [Role.APPLICANT], None, False),
    ("applicant2", "李四（申请人）", [Role.APPLICANT], None, False),
    ("counter", "王窗口（综合窗口）", [Role.COUNTER_STAFF], "区行政审批局", False),
    ("reviewer", "赵审批（审批人员）", [Role.REVIEWER], "区行政审批局", False),
    ("supervisor", "钱监察（监察人员）", [Role.SUPERVISOR], None, False),
    ("head", "孙局长（部门负责人）", [Role.DEPARTMENT_HEAD], "区行政审批局", False),
]


def seed(*, password: str, stdout: IO | None = None) -> None:
    roles_bootstrap()
    for username, name, roles, dept_name, superuser in DEMO_ACCOUNTS:
        department = (
            Department.objects.filter(name=dept_name).first() if dept_name else None
        )
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(
                username=username,
                password=password,
                roles=roles,
                display_name=name,
                department=department,
                is_staff=superuser or Role.APPLICANT not in roles,
                is_superuser=superuser,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
    if stdout:
        stdout.write("演示账号：" + "、".join(a[0] for a in DEMO_ACCOUNTS))
