"""
/api/v1/agency/…: revoking a green-channel mark, 导办 records and 统一出件
of a 一件事 application (beside ``apis.py``).

- ``POST marks/{id}/revoke/`` ``{"reason"}`` → 200 (who may give it; twice
  → 409 ``mark_revoked``)
- ``GET guidance/?day&hall`` → ``{"results": [...]}`` (masked);
  ``POST guidance/`` ``{"hall", "visitor_name", "need", "visitor_phone"?,
  "counter"?, "item"?, "ticket_number"?}`` → 201 (导办员)
- ``GET handover/bundles/{application_id}/`` the ready and pending
  sub-cases; ``POST`` the same body as ``handover/{case_id}/`` → 200, every
  ready sub-case handed over at once; a sub-case not decided yet → 409
  ``bundle_pending``

Errors are ``{"code", "message"}`` with stable codes (constants.ErrorCode).
"""

from datetime import date
from typing import Any

from django.urls import path
from django.utils import timezone

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import ID_MAX, int_id
from zhengtong.core.masking import mask_name
from zhengtong.queueing.selectors import counter_get_for_staff

from . import permissions, selectors, services
from .apis import AgencyApi, HandoverInput, _input, desk_row, mark_row
from .constants import ErrorCode


def _id(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kw)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MarkRevokeApi(AgencyApi):
    """撤销绿色通道标记"""

    @extend_schema(
        summary="撤销绿色通道标记", request=RevokeInput, responses={200: dict}
    )
    def post(self, request: Request, mark_id: int) -> Response:
        permissions.check_mark_priority(user=request.user)
        mark = selectors.mark_get(mark_id=mark_id)
        v = _input(RevokeInput, request)
        mark = services.priority_mark_revoke(
            mark=mark, actor=request.user, reason=v["reason"]
        )
        return Response(
            {
                **mark_row(mark),
                "revoked_on": mark.revoked_on,
                "revoke_reason": mark.revoke_reason,
            }
        )


class GuidanceInput(serializers.Serializer):
    hall = _id()
    visitor_name = serializers.CharField(max_length=100)
    visitor_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True
    )
    need = serializers.CharField(max_length=300)
    counter = _id(required=False, allow_null=True)
    item = _id(required=False, allow_null=True)
    ticket_number = serializers.CharField(
        max_length=10, required=False, allow_blank=True
    )


def guidance_day(raw: str | None) -> date:
    """Return the ISO day asked (default today) or 400. 中文：导办日期"""
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "日期须为 YYYY-MM-DD 格式。"
        ) from None


def guidance_hall(raw: str | None) -> int | None:
    """Return the hall asked or None; 400 when not an id. 中文：导办大厅"""
    if raw in (None, ""):
        return None
    pk = int_id(str(raw))
    if pk is None:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "大厅参数须为整数。")
    return pk


class GuidanceApi(AgencyApi):
    """导办记录"""

    @extend_schema(
        summary="导办记录（按日、按大厅）",
        parameters=[OpenApiParameter("day", str), OpenApiParameter("hall", int)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.guidance_list_for_user(
            user=request.user,
            day=guidance_day(request.query_params.get("day")),
            hall_id=guidance_hall(request.query_params.get("hall")),
        )
        return Response({"results": [selectors.guidance_row(r) for r in qs[:500]]})

    @extend_schema(summary="登记导办", request=GuidanceInput, responses={201: dict})
    def post(self, request: Request) -> Response:
        permissions.check_record_guidance(user=request.user)
        v = _input(GuidanceInput, request)
        record = services.guidance_record_create(
            actor=request.user,
            hall_id=v["hall"],
            visitor_name=v["visitor_name"],
            visitor_phone=v.get("visitor_phone", ""),
            need=v["need"],
            counter_id=v.get("counter"),
            item_id=v.get("item"),
            ticket_number=v.get("ticket_number", ""),
        )
        return Response(selectors.guidance_row(record), status=201)


class BundleHandoverApi(AgencyApi):
    """一件事统一出件（全部出件）"""

    def _group(self, request: Request, application_id: int) -> Any:
        application = selectors.bundle_handover_get(
            user=request.user, application_id=application_id
        )
        return selectors.bundle_handover_group(
            user=request.user, application=application
        )

    @extend_schema(summary="一件事待出件子办件", responses={200: dict})
    def get(self, request: Request, application_id: int) -> Response:
        group = self._group(request, application_id)
        return Response(
            {
                "application": group.application.pk,
                "number": group.application.number,
                "ready": [desk_row(c) for c in group.ready],
                "pending": [
                    {"id": c.pk, "number": c.number, "status": c.status}
                    for c in group.pending
                ],
            }
        )

    @extend_schema(
        summary="一件事全部出件", request=HandoverInput, responses={200: dict}
    )
    def post(self, request: Request, application_id: int) -> Response:
        permissions.check_hand_over(user=request.user)
        application = selectors.bundle_handover_get(
            user=request.user, application_id=application_id
        )  # the service reads the group itself, in its transaction
        v = _input(HandoverInput, request)
        counter_id = v.pop("counter", None)
        counter = (
            counter_get_for_staff(user=request.user, counter_id=counter_id)
            if counter_id
            else None
        )
        handovers = services.handover_record_bundle(
            application=application, actor=request.user, counter=counter, **v
        )
        return Response(
            {
                "application": application.pk,
                "cases": [h.case_id for h in handovers],
                "method": handovers[0].method,
                "recipient": mask_name(handovers[0].recipient),
                "handed_at": handovers[0].handed_at,
            }
        )


urlpatterns = [
    path(
        "marks/<int:mark_id>/revoke/",
        MarkRevokeApi.as_view(),
        name="agency-mark-revoke",
    ),
    path("guidance/", GuidanceApi.as_view(), name="agency-guidance"),
    path(
        "handover/bundles/<int:application_id>/",
        BundleHandoverApi.as_view(),
        name="agency-handover-bundle",
    ),
]
