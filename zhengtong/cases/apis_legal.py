"""
API operations of the legal workflow (issue 18), mounted with the other case
actions (``api_urls.ACTIONS``); each answers with the case detail:

- ``POST /api/v1/cases/{id}/extension-request/`` ``{"days", "reason"}``: the
  handling assignee asks for an extension (Art. 42);
- ``POST /api/v1/cases/{id}/extension-approve/`` ``{"note"}``: the region's
  approver (default the department's 部门负责人) approves it; the 延期通知书
  is issued;
- ``POST /api/v1/cases/{id}/extension-reject/`` ``{"reason"}``: … or turns
  it down;
- ``POST /api/v1/cases/{id}/delivery-not-needed/`` ``{"reason"}``: record
  why no 送达 is needed (办结 needs a 送达 or this).

Refusals (stable codes): 409 ``extension_too_late`` after the statutory
due date, 409 ``extension_limit`` beyond 10 working days in all, 409
``extension_pending`` / ``extension_not_pending``, 409
``extension_self_approval``, 403 ``not_permitted`` for anyone else (the
superuser included).
"""

from .apis import ExtendInput, NoteInput, ReasonInput, _action
from .services import (
    case_delivery_not_needed,
    case_extension_approve,
    case_extension_reject,
    case_extension_request,
)

CaseExtensionRequestApi = _action(
    "申请延期",
    ExtendInput,
    lambda *, case, user, data, **kw: case_extension_request(
        case=case, actor=user, days=data["days"], reason=data["reason"]
    ),
)
CaseExtensionApproveApi = _action(
    "批准延期",
    NoteInput,
    lambda *, case, user, data, **kw: case_extension_approve(
        case=case, actor=user, note=data["note"]
    ),
)
CaseExtensionRejectApi = _action(
    "驳回延期申请",
    ReasonInput,
    lambda *, case, user, data, **kw: case_extension_reject(
        case=case, actor=user, reason=data["reason"]
    ),
)
CaseDeliveryNotNeededApi = _action(
    "登记无需送达",
    ReasonInput,
    lambda *, case, user, data, **kw: case_delivery_not_needed(
        case=case, actor=user, reason=data["reason"]
    ),
)
for _cls, _name in (
    (CaseExtensionRequestApi, "CaseExtensionRequestApi"),
    (CaseExtensionApproveApi, "CaseExtensionApproveApi"),
    (CaseExtensionRejectApi, "CaseExtensionRejectApi"),
    (CaseDeliveryNotNeededApi, "CaseDeliveryNotNeededApi"),
):
    _cls.__name__ = _cls.__qualname__ = _name
