"""
Never surprised again: remind administrators to load next year's notice.

From ``WORKDAYS_NOTICE_REMINDER_FROM_MONTH`` (default October) while next
year is not official — and at any time while the current year is not — the
admin and the workbench show a banner (``context_processors.calendar_notice``)
and a daily job (``tasks.calendar_notice_reminder_task``) e-mails the centre
administrators once a day, with an audit event.  Public pages show nothing
and keep working: their deadlines are provisional (推定) meanwhile.

中文：放假通知导入提醒
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.models import AuditEvent

from .constants import YearStatus
from .selectors import calendar_year_status

logger = logging.getLogger("zhengtong.workdays")
ADMIN_GROUP = "中心管理员"  # accounts.constants.ROLE_GROUP_NAMES[CENTRE_ADMIN]
REMINDER_ACTION = "workdays.notice_reminder"


@dataclass(frozen=True)
class NoticeReminder:
    """What the banner and the reminder say."""

    year: int
    status: str  # YearStatus of ``year``
    urgent: bool  # the year has begun (or ``year`` is the current year)
    text: str


def calendar_notice_reminder_get(today: date | None = None) -> NoticeReminder | None:
    """
    Return the reminder due on ``today``, or None when nothing is missing.

    中文：是否需要提醒导入放假通知
    """
    today = today or timezone.localdate()
    from_month = int(getattr(settings, "WORKDAYS_NOTICE_REMINDER_FROM_MONTH", 10))
    for year, urgent in ((today.year, True), (today.year + 1, False)):
        if not urgent and today.month < from_month:
            continue
        status = calendar_year_status(year)
        if status == YearStatus.OFFICIAL:
            continue
        if status == YearStatus.PROVISIONAL:
            text = (
                f"{year} 年国务院放假安排尚未导入：跨入 {year} 年的期限按法定节假日推定"
                f"（标「推定」），通知导入后自动校正。请在「工作日历 › 导入放假通知」中导入。"
            )
        else:
            text = (
                f"{year} 年的节假日安排尚未导入，涉及 {year} 年的期限无法计算。"
                f"请在「工作日历 › 导入放假通知」中导入国务院通知。"
            )
        return NoticeReminder(year=year, status=status, urgent=urgent, text=text)
    return None


def calendar_notice_reminder_send(*, today: date | None = None) -> int:
    """
    E-mail the centre administrators once a day while a notice is missing.

    Returns the number of people reminded (0 when nothing is missing or
    today's reminder went out already).

    中文：发送放假通知导入提醒
    """
    today = today or timezone.localdate()
    reminder = calendar_notice_reminder_get(today)
    if reminder is None:
        return 0
    stream = f"workdays.reminder:{reminder.year}"
    if AuditEvent.objects.filter(
        stream=stream, details__day=today.isoformat()
    ).exists():
        return 0
    user_model = get_user_model()
    admins = list(
        user_model.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMIN_GROUP))
        .exclude(email="")
        .distinct()
    )
    subject = f"【{settings.SITE_NAME}】请导入 {reminder.year} 年放假安排"
    sent = 0
    for user in admins:
        try:
            send_mail(subject, reminder.text, settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
        except Exception:  # one failed address must not stop the others
            logger.exception("calendar reminder to %s failed", user.pk)
    details: dict[str, Any] = {
        "day": today.isoformat(),
        "year": reminder.year,
        "status": reminder.status,
        "sent": sent,
    }
    audit_record(action=REMINDER_ACTION, stream=stream, actor="系统", details=details)
    return sent
