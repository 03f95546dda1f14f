"""Cache busting: a change of the queue configuration drops cached copies."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from zhengtong.catalog.models import Counter, Hall

from .cache import config_changed
from .models import (
    Category,
    CounterCategory,
    ExtraServiceDay,
    OpeningHours,
    QueuePolicy,
    ServiceRule,
    ServiceRuleSkip,
)

CONFIG_MODELS = (
    Category,
    CounterCategory,
    ExtraServiceDay,
    OpeningHours,
    QueuePolicy,
    ServiceRule,
    ServiceRuleSkip,
    Counter,
    Hall,
)


def _config_saved_or_deleted(**_kwargs: Any) -> None:
    config_changed()


def connect() -> None:
    for model in CONFIG_MODELS:
        uid = f"queueing_config_{model._meta.label_lower}"
        post_save.connect(_config_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(_config_saved_or_deleted, sender=model, dispatch_uid=uid)
