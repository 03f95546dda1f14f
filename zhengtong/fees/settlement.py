"""
收费办结: where a fee item of the case's version says so
(``FeeItem.settle_before_delivery``), a case that still owes
(``case_outstanding_fen`` > 0) may be neither delivered (出件/送达) nor
concluded (办结): 409 ``fees_outstanding``.

The check is registered with cases' transition guards at app ready
(``cases.workflow.conclusion_check_register``, see ``apps.py``): fees
imports cases, so cases cannot import fees; the guard runs on the one path
every 送达 and 办结 takes (``transition_check``), including 统一出件.

中文：收费办结
"""

from typing import Any

from zhengtong.core.errors import ApplicationError

from .constants import ErrorCode
from .formulas import fen_to_yuan
from .models import FeeItem
from .services import case_outstanding_fen


def settle_required(*, version_id: int | None) -> bool:
    """Return True when the version's fees must be paid before 出件/办结."""
    if version_id is None:
        return False
    return FeeItem.objects.filter(
        version_id=version_id, settle_before_delivery=True
    ).exists()


def case_settlement_check(case: Any) -> None:
    """
    Refuse 送达 and 办结 of ``case`` while it owes on a 收费办结 item.

    中文：收费办结检查
    """
    if not settle_required(version_id=case.item_version_id):
        return
    outstanding = case_outstanding_fen(case_id=case.pk)
    if outstanding > 0:
        raise ApplicationError(
            ErrorCode.FEES_OUTSTANDING,
            f"本事项须缴清费用方可出件、办结：尚有 {fen_to_yuan(outstanding)} 元未缴，"
            "请先登记缴费。",
            status=409,
            details={"outstanding_fen": outstanding},
        )
