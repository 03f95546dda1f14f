"""
The one door through which agency acts on a case with a granted actor kind.

An agency service first checks its own permission (``permissions.py``:
the authorised 代办员 for the applicant-side actions, the 统一出件 desk of
the receiving hall for the handover), then calls a cases service inside
``acting_as(...)``; cases' ``case_actor_kinds`` adds the granted kinds for
that user, that case and that call only (``granted_kinds``). Nothing is
read from the database: the grant lives on the user object for the call,
so no other request path pays a query for it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_ATTR = "_agency_acting"

# the kinds agency may grant (values of cases.constants.ActorKind)
APPLICANT_SIDE = "applicant"
ONE_WINDOW = "intake"


@contextmanager
def acting_as(*, user: Any, case_id: int, kind: str) -> Iterator[None]:
    """
    Grant ``user`` the actor ``kind`` on case ``case_id`` within the block.

    Call only after the agency permission of the action has been checked.

    中文：代为办理（授权范围内）
    """
    grants: dict[int, frozenset[str]] = dict(getattr(user, _ATTR, None) or {})
    before = grants.get(case_id)
    grants[case_id] = (before or frozenset()) | {kind}
    setattr(user, _ATTR, grants)
    try:
        yield
    finally:
        if before is None:
            grants.pop(case_id, None)
        else:
            grants[case_id] = before
        setattr(user, _ATTR, grants or None)


def granted_kinds(*, user: Any, case_id: Any) -> frozenset[str]:
    """
    Return the actor kinds agency granted ``user`` on the case for this call.

    中文：代办授予的操作身份
    """
    grants = getattr(user, _ATTR, None)
    if not grants:
        return frozenset()
    return grants.get(case_id, frozenset())
