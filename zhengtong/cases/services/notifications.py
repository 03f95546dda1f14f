"""In-app notifications of a user."""

from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.core.errors import ApplicationError

from ..models import (
    Notification,
)

# -- notifications ---------------------------------------------------------


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """
    Mark an in-app notification as read by its recipient.

    中文：标记已读
    """
    if notification.user_id != user.pk:
        raise ApplicationError("not_found", "消息不存在。", status=404)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
