"""
Template filters that ask the domain permissions modules (menus, buttons).

Templates only ask; the rule itself lives in ``cases.permissions`` and
``queueing.permissions`` and is enforced by the services.
"""

from typing import Any

from django import template

from zhengtong.agency import permissions as agency_permissions
from zhengtong.cases import permissions as case_permissions
from zhengtong.feedback import permissions as feedback_permissions
from zhengtong.feedback import permissions_complaints
from zhengtong.portal.nav import counter_desk_opens
from zhengtong.supervision import permissions as supervision_permissions

register = template.Library()


@register.filter
def may_intake(user: Any) -> bool:
    """Return True when ``user`` takes in walk-in applications (窗口收件)."""
    return case_permissions.can_intake(user=user)


@register.filter
def may_call_tickets(user: Any) -> bool:
    """Return True when the counter desk (叫号) opens: the role and a counter."""
    return counter_desk_opens(user)


@register.filter
def may_supervise(user: Any) -> bool:
    """Return True when ``user`` may open the supervision desk (监察台)."""
    return supervision_permissions.can_view_desk(user)


@register.filter
def may_rectify(user: Any) -> bool:
    """Return True when ``user`` may open the rectification queue (差评整改)."""
    return feedback_permissions.can_view_rectifications(user)


@register.filter
def may_view_complaints(user: Any) -> bool:
    """Return True when ``user`` may open the complaint register (投诉台账)."""
    return permissions_complaints.can_view_complaints(user)


@register.filter
def may_use_handover_desk(user: Any) -> bool:
    """Return True when ``user`` may open the 统一出件 desk (代办与出件)."""
    return agency_permissions.can_use_handover_desk(user=user)
