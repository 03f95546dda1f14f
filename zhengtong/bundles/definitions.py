"""
A bundle as applications read it: one frozen definition (items, questions,
rules, fields, shared materials) read in a few statements and kept in this
process's memory until a bundle row changes (a token in the cache, renewed
by ``signals.py``, re-read at most once a second) or for at most
``BUNDLES_CACHE_SECONDS``.

中文：一件事定义（读取与缓存）
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import (
    Bundle,
    BundleField,
    BundleItem,
    BundleMaterial,
    BundleMaterialTarget,
    BundleQuestion,
    BundleRule,
)

CACHE_KEY = "bundles:definition-token"


@dataclass(frozen=True)
class ItemRow:
    id: int
    item_id: int
    item_code: str
    item_name: str
    department_id: int
    department_name: str
    always: bool


@dataclass(frozen=True)
class QuestionRow:
    key: str
    text: str
    kind: str
    required: bool
    choices: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RuleRow:
    question_key: str
    value: str
    item_id: int


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    required: bool
    max_length: int
    item_ids: tuple[int, ...]  # empty: every item


@dataclass(frozen=True)
class TargetRow:
    item_id: int
    material_id: int | None  # a checklist line of the item's current version


@dataclass(frozen=True)
class MaterialRow:
    key: str
    name: str
    required: bool
    targets: tuple[TargetRow, ...]


@dataclass(frozen=True)
class BundleDefinition:
    """
    One bundle, read once.

    中文：一件事定义
    """

    id: int
    code: str
    name: str
    summary: str
    source: str
    active: bool
    items: tuple[ItemRow, ...]
    questions: tuple[QuestionRow, ...]
    rules: tuple[RuleRow, ...]
    fields: tuple[FieldRow, ...]
    materials: tuple[MaterialRow, ...]

    def item(self, item_id: int) -> ItemRow | None:
        return next((row for row in self.items if row.id == item_id), None)


_read: dict[str, tuple[str, float, BundleDefinition | None]] = {}


# (token, when read), replaced whole and read once into a local: a thread
# never sees it half-changed by another's definitions_changed()
_token_seen: tuple[str, float] | None = None
TOKEN_RECHECK_SECONDS = 1.0


def definitions_token() -> str:
    """
    Return the current token of bundle definitions (made on first use),
    asked of the cache at most once a second per process: another process's
    change is seen within a second.
    """
    global _token_seen
    now = time.monotonic()
    seen = _token_seen
    if seen is not None and now - seen[1] < TOKEN_RECHECK_SECONDS:
        return seen[0]
    token = cache.get(CACHE_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(CACHE_KEY, token, None)
        token = cache.get(CACHE_KEY) or token
    _token_seen = (token, now)
    return token


def definitions_changed() -> None:
    """Renew the token: every process reads the definitions again."""
    global _token_seen
    cache.set(CACHE_KEY, uuid.uuid4().hex, None)
    _token_seen = None
    _read.clear()


def definition_get(*, code: str, active_only: bool = True) -> BundleDefinition | None:
    """
    Return the definition of the bundle ``code`` (None if unknown or
    inactive).

    中文：取一件事定义
    """
    if not isinstance(code, str) or not code or len(code) > 60:
        return None
    max_age = float(getattr(settings, "BUNDLES_CACHE_SECONDS", 30))
    token = definitions_token()
    now = time.monotonic()
    hit = _read.get(code)
    if max_age > 0 and hit and hit[0] == token and now - hit[1] < max_age:
        definition = hit[2]
    else:
        bundle = Bundle.objects.filter(code=code).first()
        definition = _build(bundle) if bundle is not None else None
        if max_age > 0 and definition is not None:
            _read[code] = (token, now, definition)
    if definition is None:
        return None
    if active_only and not definition.active:
        return None
    return definition


def definition_list() -> list[BundleDefinition]:
    """
    Return the definitions of every active bundle, in display order.

    中文：一件事清单
    """
    codes = Bundle.objects.filter(active=True).values_list("code", flat=True)
    found = (definition_get(code=code) for code in codes)
    return [d for d in found if d is not None]


def _build(bundle: Bundle) -> BundleDefinition:
    items = tuple(
        ItemRow(
            id=row.pk,
            item_id=row.item_id,
            item_code=row.item.item_code,
            item_name=row.item.name,
            department_id=row.item.department_id,
            department_name=row.item.department.name,
            always=row.always,
        )
        for row in BundleItem.objects.filter(bundle=bundle).select_related(
            "item__department"
        )
    )
    questions = tuple(
        QuestionRow(
            key=q.key,
            text=q.text,
            kind=q.kind,
            required=q.required,
            choices=tuple(q.choice_pairs()),
        )
        for q in BundleQuestion.objects.filter(bundle=bundle)
    )
    rules = tuple(
        RuleRow(question_key=r.question.key, value=r.value, item_id=r.item_id)
        for r in BundleRule.objects.filter(bundle=bundle).select_related("question")
    )
    fields = tuple(
        FieldRow(
            key=f.key,
            label=f.label,
            required=f.required,
            max_length=f.max_length,
            item_ids=tuple(sorted(i.pk for i in f.items.all())),
        )
        for f in BundleField.objects.filter(bundle=bundle).prefetch_related("items")
    )
    targets: dict[int, list[TargetRow]] = {}
    for t in BundleMaterialTarget.objects.filter(shared__bundle=bundle).select_related(
        "item__item", "material"
    ):
        version_id = t.item.item.current_version_id
        material_id = (
            t.material_id
            if t.material is not None and t.material.version_id == version_id
            else None
        )
        targets.setdefault(t.shared_id, []).append(
            TargetRow(item_id=t.item_id, material_id=material_id)
        )
    materials = tuple(
        MaterialRow(
            key=m.key,
            name=m.name,
            required=m.required,
            targets=tuple(targets.get(m.pk, ())),
        )
        for m in BundleMaterial.objects.filter(bundle=bundle)
    )
    return BundleDefinition(
        id=bundle.pk,
        code=bundle.code,
        name=bundle.name,
        summary=bundle.summary,
        source=bundle.source,
        active=bundle.active,
        items=items,
        questions=questions,
        rules=rules,
        fields=fields,
        materials=materials,
    )
