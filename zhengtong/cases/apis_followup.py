"""
API operations of issue 11 on an accepted case, mounted with the other case
actions (``api_urls.ACTIONS``):

- ``POST /api/v1/cases/{id}/convert-to-committed/`` ``{"reason"}``: a 即办件
  becomes a 承诺件 (403 ``instant_conversion_forbidden`` without
  ``cases.convert_instant``, 400 ``reason_required``);
- ``POST /api/v1/cases/{id}/tolerance-supply/`` (multipart ``files`` +
  ``material_ids`` + ``note``): hand in tolerated 容缺 materials.

Both answer with the case detail, like every action.
"""

from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser

from zhengtong.api.parsers import StrictJSONParser

from .apis import ReasonInput, _action
from .services_instant import case_convert_to_committed
from .services_tolerance import case_tolerance_supply


class ToleranceSupplyInput(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )
    material_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


def _tolerance_supply(*, case, user, data, request, **kw):
    files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
    ids = data.get("material_ids") or []
    pairs = [(ids[i] if i < len(ids) else None, f) for i, f in enumerate(files)]
    case_tolerance_supply(case=case, actor=user, files=pairs, note=data["note"])


CaseConvertToCommittedApi = _action(
    "即办件转为承诺件",
    ReasonInput,
    lambda *, case, user, data, **kw: case_convert_to_committed(
        case=case, actor=user, reason=data["reason"]
    ),
)
CaseToleranceSupplyApi = _action(
    "补齐容缺材料", ToleranceSupplyInput, _tolerance_supply
)
CaseToleranceSupplyApi.parser_classes = [MultiPartParser, FormParser, StrictJSONParser]
for _cls, _name in (
    (CaseConvertToCommittedApi, "CaseConvertToCommittedApi"),
    (CaseToleranceSupplyApi, "CaseToleranceSupplyApi"),
):
    _cls.__name__ = _cls.__qualname__ = _name
