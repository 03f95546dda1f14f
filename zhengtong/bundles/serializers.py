"""
Input and output shapes of the bundle operations (one definition each; the
case submission door, ``POST /api/v1/cases/`` with ``bundle_code``, uses
``BundleCreateInput`` and ``BundleCreatedOutput`` from here).

中文：一件事接口结构
"""

from typing import Any

from rest_framework import serializers

from zhengtong.cases.constants import Channel, DeliveryMethod

from .definitions import BundleDefinition


class BundleChoiceOutput(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class BundleQuestionOutput(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = BundleChoiceOutput(many=True)


class BundleItemOutput(serializers.Serializer):
    item_code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField()
    always = serializers.BooleanField()


class BundleFieldOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    max_length = serializers.IntegerField()


class BundleMaterialOutput(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    required = serializers.BooleanField()


class BundleOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    summary = serializers.CharField()
    source = serializers.CharField()
    items = BundleItemOutput(many=True)
    questions = BundleQuestionOutput(many=True)
    fields = BundleFieldOutput(many=True)
    materials = BundleMaterialOutput(many=True)


def bundle_payload(definition: BundleDefinition) -> dict[str, Any]:
    """Return the public shape of one bundle (``BundleOutput``)."""
    return {
        "code": definition.code,
        "name": definition.name,
        "summary": definition.summary,
        "source": definition.source,
        "items": [
            {
                "item_code": row.item_code,
                "name": row.item_name,
                "department": row.department_name,
                "always": row.always,
            }
            for row in definition.items
        ],
        "questions": [
            {
                "key": q.key,
                "text": q.text,
                "kind": q.kind,
                "required": q.required,
                "choices": [{"value": v, "label": label} for v, label in q.choices],
            }
            for q in definition.questions
        ],
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "required": f.required,
                "max_length": f.max_length,
            }
            for f in definition.fields
        ],
        "materials": [
            {"key": m.key, "name": m.name, "required": m.required}
            for m in definition.materials
        ],
    }


class BundleCreateInput(serializers.Serializer):
    bundle_code = serializers.CharField(max_length=60)
    answers = serializers.JSONField()
    form_data = serializers.JSONField(required=False, default=dict)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, required=False, allow_blank=True, default=""
    )
    delivery_address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class BundleSubCaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    item_code = serializers.CharField()
    department = serializers.CharField()


class BundleCreatedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    sub_cases = BundleSubCaseOutput(many=True)


def bundle_created_payload(application: Any) -> dict:
    """Return ``BundleCreatedOutput`` of a just-submitted application."""
    cases = getattr(application, "_sub_cases", None)
    if cases is None:  # an idempotent replay: read the links
        cases = [
            link.case
            for link in application.sub_cases.select_related(
                "case__item", "case__department"
            )
        ]
    definition = getattr(application, "_definition", None)
    items = definition.items if definition is not None else ()
    codes = {row.item_id: row.item_code for row in items}
    names = {row.item_id: row.department_name for row in items}
    return {
        "id": application.pk,
        "number": application.number,
        "sub_cases": [
            {
                "id": case.pk,
                "number": case.number,
                "item_code": codes.get(case.item_id) or case.item.item_code,
                "department": names.get(case.item_id) or case.department.name,
            }
            for case in cases
        ],
    }
