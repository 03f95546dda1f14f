"""SMS backends behind one interface; the console one is the default."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .masking import mask_phone

logger = logging.getLogger("zhengtong.sms")


class ConsoleSmsBackend:
    """Write messages to the log instead of sending them."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        ConsoleSmsBackend.sent.append((phone, text))
        logger.warning("SMS to %s: %s", mask_phone(phone), text)


def sms_send(phone: str, text: str) -> None:
    """Send one SMS through the configured backend."""
    backend = import_string(settings.SMS_BACKEND)()
    backend.send(phone, text)
