"""
The top menu of every page, built from the permission functions.

Each door (菜单项) is shown only to whom its page opens: the rule is asked
of ``cases.permissions``, ``queueing.permissions`` (and the supervision app's
once its desk exists), never written here again. Visitors without a
session see the public doors; those that need an account lead to the login
page. ``DOOR_RULES`` also tells the 403 page what a refused door needs and
whom to ask.

中文：导航菜单
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zhengtong.accounts.constants import Role
from zhengtong.cases import permissions as case_permissions
from zhengtong.feedback import permissions as feedback_permissions
from zhengtong.feedback import permissions_complaints as feedback_complaint_permissions
from zhengtong.queueing import permissions as queue_permissions
from zhengtong.queueing import selectors as queue_selectors
from zhengtong.stats import permissions as stats_permissions
from zhengtong.workbench.views import user_is_staff_member

SUPERVISION_DESK = "workbench:supervision-desk"


@dataclass(frozen=True)
class Door:
    """
    One menu entry: its label, address and whether it is the current page.

    中文：菜单项
    """

    key: str
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class DoorRule:
    """
    What a door needs, in words for the person it refuses.

    中文：入口所需角色
    """

    needs: str
    ask: str


# URL names (namespace:name) → what they need. The 403 page reads this.
DOOR_RULES: dict[str, DoorRule] = {
    "workbench:intake": DoorRule(
        "本部门“窗口人员”角色",
        "请中心管理员在用户管理中为您添加窗口人员角色和所属部门。",
    ),
    "workbench:intake-item": DoorRule(
        "该事项受理部门的“窗口人员”角色",
        "请交给该部门的窗口人员办理，或请中心管理员调整您的所属部门。",
    ),
    "workbench:queue-desk": DoorRule(
        "“窗口人员”角色且在排班中分配了窗口",
        "请中心管理员在“窗口人员”排班中为您分配窗口。",
    ),
    "workbench:supervision-desk": DoorRule(
        "“监察人员”或“部门负责人”角色", "请中心管理员为您添加相应角色。"
    ),
    "workbench:stats-dashboard": DoorRule(
        "有所属部门的工作人员角色（本部门），或监察人员、中心管理员（全中心）",
        "请中心管理员为您设置所属部门和角色。",
    ),
    "queueing:appointments": DoorRule(
        "申请人账号", "工作人员账号不能预约，请用本人的申请人账号登录。"
    ),
    "queueing:remote": DoorRule(
        "申请人账号", "工作人员账号不能手机取号，请用本人的申请人账号登录。"
    ),
    "cases:apply": DoorRule(
        "申请人账号", "工作人员请在工作台“窗口收件”为群众代为登记。"
    ),
}
STAFF_ASK = "如需开通，请联系中心管理员（系统管理员）。"


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def supervision_url(user: Any) -> str | None:
    """
    Return the supervisor's and department head's home: the supervision
    desk when it exists and opens for ``user``, else the read-only case list
    for those roles, else None.

    中文：监察入口
    """
    url = _url(SUPERVISION_DESK)
    if url is not None:
        try:
            from zhengtong.supervision.permissions import can_view_desk
        except ImportError:  # pragma: no cover - the desk without its app
            return None
        return url if can_view_desk(user) else None
    if user.has_role(Role.SUPERVISOR) or user.has_role(Role.DEPARTMENT_HEAD):
        return reverse("workbench:case-list") + "?inbox=all"
    return None


def counter_desk_opens(user: Any) -> bool:
    """
    Return True when the counter desk (叫号) opens for ``user``: the role
    (``queueing.permissions.can_call_tickets``) and a counter in the duty
    roster, the two things ``QueueDeskView`` asks.

    中文：可否进入叫号台
    """
    return queue_permissions.can_call_tickets(user=user) and bool(
        queue_selectors.counter_list_for_staff(user=user)
    )


def admin_opens_for(request: HttpRequest) -> bool:
    """
    Return True when the admin site has something for this user (a staff
    flag alone opens an empty /admin/).

    中文：可否进入管理后台
    """
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return admin.site.has_permission(request) and bool(admin.site.get_app_list(request))


def role_home_url(request: HttpRequest) -> str:
    """
    Return where ``request.user`` starts after login: supervisors and
    department heads the supervision view, other staff the workbench,
    applicants 我的办件, everyone else the guide.

    中文：登录后首页
    """
    user = request.user
    if not user.is_authenticated:
        return reverse("portal:home")
    supervision = supervision_url(user)
    if supervision:
        return supervision
    if user_is_staff_member(user):
        return reverse("workbench:home")
    if case_permissions.can_submit(user=user):
        return reverse("cases:mine")
    return reverse("portal:home")


def nav_doors(request: HttpRequest) -> list[Door]:
    """
    Return the top-menu doors ``request.user`` can open, in order.

    中文：导航菜单项
    """
    user = request.user
    path = request.path
    signed_in = user.is_authenticated
    entries: list[tuple[str, str, str | None]] = [
        ("guide", "办事指南", _url("portal:home")),
        ("lookup", "办件查询", _url("cases:lookup")),
    ]
    if not signed_in or case_permissions.can_submit(user=user):
        entries.insert(1, ("bundles", "一件事", _url("portal:bundle-list")))
    if not signed_in or queue_permissions.can_book_appointment(user=user):
        entries.append(("appointments", "预约", _url("queueing:appointments")))
    if not signed_in or queue_permissions.can_take_remote_ticket(user=user):
        entries.append(("remote", "手机取号", _url("queueing:remote")))
    if not signed_in or case_permissions.can_submit(user=user):
        entries.append(("mine", "我的办件", _url("cases:mine")))
    if signed_in and case_permissions.can_submit(user=user):
        entries.append(("ratings", "我的评价", _url("portal:feedback-my-ratings")))
        entries.append(("complaints", "我的投诉", _url("portal:feedback-complaints")))
    if not (signed_in and user_is_staff_member(user)):
        entries.append(("results", "评价公开", _url("portal:feedback-results")))
        entries.append(("disclosure", "办件公示", _url("portal:stats-disclosure")))
    if signed_in and user_is_staff_member(user):
        entries.append(("workbench", "工作台", _url("workbench:home")))
        if case_permissions.can_intake(user=user):
            entries.append(("intake", "窗口收件", _url("workbench:intake")))
        if counter_desk_opens(user):
            entries.append(("queue", "叫号", _url("workbench:queue-desk")))
        supervision = supervision_url(user)
        if supervision:
            entries.append(("supervision", "电子监察", supervision))
        if stats_permissions.can_view_stats(user):
            entries.append(("stats", "效能统计", _url("workbench:stats-dashboard")))
        if feedback_permissions.can_view_rectifications(user):
            entries.append(
                (
                    "rectifications",
                    "差评整改",
                    _url("workbench:feedback-rectifications"),
                )
            )
        if feedback_complaint_permissions.can_view_complaints(user):
            entries.append(
                ("complaints", "投诉台账", _url("workbench:feedback-complaints"))
            )
        if admin_opens_for(request):
            entries.append(("admin", "管理后台", _url("admin:index")))
    doors = []
    for key, label, url in entries:
        if url is None:
            continue
        bare = url.split("?", 1)[0]
        current = path == bare if bare == "/" else path.startswith(bare)
        doors.append(Door(key=key, label=label, url=url, current=current))
    _current_only_longest(doors)
    return doors


def _current_only_longest(doors: list[Door]) -> None:
    """Mark only the most specific matching door as the current page."""
    matching = [d for d in doors if d.current]
    if len(matching) < 2:
        return
    best = max(matching, key=lambda d: len(d.url.split("?", 1)[0]))
    for i, door in enumerate(doors):
        if door.current and door is not best:
            doors[i] = Door(key=door.key, label=door.label, url=door.url)


def forbidden_context(request: HttpRequest) -> dict[str, Any]:
    """
    Return what the 403 page says to the person it refuses: for staff the
    role the door needs and whom to ask; for applicants what they can do
    instead.

    中文：无权访问提示
    """
    user = request.user
    match = getattr(request, "resolver_match", None)
    rule = DOOR_RULES.get(match.view_name) if match is not None else None
    staff = user.is_authenticated and user_is_staff_member(user)
    roles = [g.name for g in user.groups.all()] if user.is_authenticated else []
    return {
        "forbidden_rule": rule,
        "forbidden_is_staff": staff,
        "forbidden_roles": roles,
        "forbidden_staff_ask": STAFF_ASK,
        "forbidden_home": role_home_url(request),
    }
