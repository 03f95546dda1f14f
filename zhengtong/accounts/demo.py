"""Demo accounts (README lists them). Idempotent."""

from typing import IO

from zhengtong.catalog.models import Counter, Department

from .constants import Role
from .models import User
from .services import roles_bootstrap, staff_post_set, user_create

HALL = "广安区政务服务中心"
# username → (counter numbers in HALL, B岗 username): 王窗口 and 刘窗口 back
# each other up at the 综合窗口, 赵审批 and 周审批 on the review steps (a B岗
# holds the same role: steps handed over on an absence must be workable).
# The department head has no B岗 in the demo (the department has one head).
DEMO_POSTS = {
    "counter": (["1", "2", "3"], "counter2"),
    "counter2": (["4", "5", "6"], "counter"),
    "reviewer": ([], "reviewer2"),
    "reviewer2": ([], "reviewer"),
}

DEMO_ACCOUNTS = [
    # username, display name, roles, department name (first match), superuser
    ("admin", "系统管理员", [Role.CENTRE_ADMIN], None, True),
    ("applicant", "张三", [Role.APPLICANT], None, False),
    ("applicant2", "李四", [Role.APPLICANT], None, False),
    ("counter", "王窗口", [Role.COUNTER_STAFF], "区行政审批局", False),
    ("counter2", "刘窗口", [Role.COUNTER_STAFF], "区行政审批局", False),
    ("reviewer", "赵审批", [Role.REVIEWER], "区行政审批局", False),
    ("reviewer2", "周审批", [Role.REVIEWER], "区行政审批局", False),
    ("supervisor", "钱监察", [Role.SUPERVISOR], None, False),
    ("head", "孙局长", [Role.DEPARTMENT_HEAD], "区行政审批局", False),
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
    posts = _posts_seed()
    if stdout:
        stdout.write("演示账号：" + "、".join(a[0] for a in DEMO_ACCOUNTS))
        stdout.write(f"岗位与AB岗：{posts}")


def _posts_seed() -> str:
    """Give the demo staff their counters and B岗 (only what differs)."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_POSTS)}
    done = []
    for username, (numbers, backup_name) in DEMO_POSTS.items():
        user, backup = users.get(username), users.get(backup_name)
        if user is None or backup is None:
            continue
        counters = list(
            Counter.objects.filter(hall__name=HALL, number__in=numbers).order_by("pk")
        )
        have = set(user.counters.values_list("pk", flat=True))
        if user.backup_id != backup.pk or have != {c.pk for c in counters}:
            staff_post_set(
                user=user,
                department=user.department,
                counters=counters,
                backup=backup,
            )
        where = f"{'、'.join(numbers)}号窗口，" if numbers else ""
        done.append(f"{username}（{where}B岗 {backup_name}）")
    return "；".join(done)
