"""
Who may do what in feedback: every rule written once.

Ratings (好差评):

- A **served ticket** is rated only from the counter's rater device (评价器):
  a request carrying the device's token cookie, never a staff session (staff
  may not rate for the citizen, 国办发〔2019〕51号 / GB/T 39734 §4.1).  The
  applicant of the ticket, logged in, may also rate it online.
- A **case** (intake decision, concluded case, online service) is rated by
  its applicant, logged in.
- Anyone else who was not served gets 403.

Rectifications (差评整改):

- **Staff of the serving department** (counter staff, reviewers,
  department heads) see and work their department's rectifications and may
  appeal (申诉复核); another department's answer 404.
- **Supervisors, centre administrators** (and superusers) see all of them
  and decide appeals (the centre's reviewer); nobody decides an appeal he
  filed himself.
- Applicants and anonymous visitors are refused with 403.

Pages ask the ``can_*`` functions; services call the ``check_*`` ones.

中文：评价与投诉权限
"""

from typing import Any

from django.db.models import Q

from zhengtong.cases.permissions import is_department_staff, is_staff_member
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.supervision.permissions import is_supervisor

NOT_PERMITTED = "not_permitted"
NOT_FOUND = "记录不存在或无权查看。"
STAFF_CANNOT_RATE = (
    "工作人员不能代群众评价：请由办事群众本人在窗口评价器上或用本人账号评价。"
)


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_centre(user: Any) -> bool:
    """
    Return True for supervisors, centre administrators and superusers.

    中文：中心（全中心范围）
    """
    return is_supervisor(user)


# --- ratings ---------------------------------------------------------------


def check_not_staff_rater(user: Any) -> None:
    """Raise 403 when a staff session tries to give a rating."""
    if is_staff_member(user):
        raise ApplicationError(NOT_PERMITTED, STAFF_CANNOT_RATE, status=403)


def check_rate_as_applicant(user: Any, applicant_id: int | None) -> None:
    """Raise 403 unless ``user`` is the applicant ``applicant_id`` (logged in)."""
    check_not_staff_rater(user)
    if not (_active(user) and applicant_id is not None and user.pk == applicant_id):
        raise ApplicationError(
            NOT_PERMITTED, "只有接受该次服务的办事人本人可以评价。", status=403
        )


def can_bind_device(user: Any) -> bool:
    """
    Return True when ``user`` may bind a tablet to a counter as its rater.

    中文：可否绑定评价器
    """
    return is_centre(user)


def check_bind_device(user: Any) -> None:
    """Raise 403 unless ``user`` may bind rater devices."""
    if not can_bind_device(user):
        raise ApplicationError(
            NOT_PERMITTED, "评价器由中心管理员或监察人员绑定。", status=403
        )


# --- rectifications ----------------------------------------------------------


def can_view_rectifications(user: Any) -> bool:
    """
    Return True when ``user`` may open the rectification queue.

    中文：可否查看差评整改
    """
    return is_centre(user) or is_department_staff(user)


def rectification_scope(user: Any) -> int | None:
    """
    Return the department whose rectifications ``user`` sees (None: all).

    Raises ``not_permitted`` (403) for anyone else.

    中文：整改查看范围
    """
    if is_centre(user):
        return None
    if is_department_staff(user):
        return int(user.department_id)
    raise ApplicationError(
        NOT_PERMITTED, "差评整改仅对服务部门工作人员和监察人员开放。", status=403
    )


def rectification_filter(user: Any, field: str = "department_id") -> Q:
    """Return the filter of the rectifications ``user`` may see (403 others)."""
    department = rectification_scope(user)
    return Q() if department is None else Q(**{field: department})


def check_see_rectification(user: Any, rectification: Any) -> None:
    """Raise 403/404 unless ``user`` may see ``rectification``."""
    department = rectification_scope(user)
    if department is not None and department != rectification.department_id:
        raise NotFoundError(NOT_FOUND)


def can_work_rectification(user: Any, rectification: Any) -> bool:
    """
    Return True when ``user`` may verify, rectify, reply, revisit or appeal.

    中文：可否办理整改
    """
    return is_centre(user) or (
        is_department_staff(user) and user.department_id == rectification.department_id
    )


def check_work_rectification(user: Any, rectification: Any) -> None:
    """Raise 403/404 unless ``user`` may work ``rectification``."""
    check_see_rectification(user, rectification)
    if not can_work_rectification(user, rectification):
        raise ApplicationError(
            NOT_PERMITTED, "差评整改由服务部门的工作人员办理。", status=403
        )


def can_decide_appeal(user: Any, rectification: Any = None) -> bool:
    """
    Return True when ``user`` is a centre reviewer who may decide an appeal.

    中文：可否复核申诉
    """
    if not is_centre(user):
        return False
    return rectification is None or rectification.appealed_by_id != user.pk


def check_decide_appeal(user: Any, rectification: Any) -> None:
    """Raise 403/404 unless ``user`` may decide ``rectification``'s appeal."""
    check_see_rectification(user, rectification)
    if not can_decide_appeal(user, rectification):
        raise ApplicationError(
            NOT_PERMITTED,
            "申诉由中心复核人员（监察人员或中心管理员）复核，申诉人不能复核本人的申诉。",
            status=403,
        )
