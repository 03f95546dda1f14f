"""Cache busting: any change to a bundle row renews the definitions token."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models
from .definitions import definitions_changed

DEFINITION_MODELS = (
    models.Bundle,
    models.BundleItem,
    models.BundleQuestion,
    models.BundleRule,
    models.BundleField,
    models.BundleMaterial,
    models.BundleMaterialTarget,
)


def _changed(sender, **kwargs) -> None:
    # now (this process, this transaction) and again after the commit, so
    # that no process keeps a definition read before the change committed
    definitions_changed()
    transaction.on_commit(definitions_changed)


def connect() -> None:
    """Connect the handlers (called by ``BundlesConfig.ready``)."""
    for model in DEFINITION_MODELS:
        post_save.connect(
            _changed, sender=model, dispatch_uid=f"bundles-{model.__name__}"
        )
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"bundles-del-{model.__name__}"
        )
    m2m_changed.connect(
        _changed, sender=models.BundleField.items.through, dispatch_uid="bundles-m2m"
    )
