"""The calendar banner of staff pages (admin and workbench)."""

from django.http import HttpRequest

from .reminders import calendar_notice_reminder_get


def calendar_notice(request: HttpRequest) -> dict:
    """
    Add ``calendar_notice`` (a NoticeReminder or None) for staff users only.

    Public pages get nothing: they keep working on provisional dates.
    """
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_staff", False):
        return {}
    return {"calendar_notice": calendar_notice_reminder_get()}
