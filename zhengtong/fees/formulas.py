"""
The one definition of how a fee amount is computed, and of money as text.

Amounts are integers of fen (分); a quantity is a whole number of units.
Pure functions: no database.

中文：计费公式
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from zhengtong.core.errors import ApplicationError

from .constants import AMOUNT_MAX_FEN, ErrorCode
from .models import FeeMethod

_YUAN = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)


def _bad(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID_INPUT, message)


def tiers_check(tiers: Any) -> list[tuple[int | None, int]]:
    """
    Return the brackets of a tiered fee as ``(up_to, unit_fen)`` pairs, or
    raise ``invalid_input``: ``up_to`` strictly rising, only the last open
    (None), every price a whole number of fen.

    中文：分档校验
    """
    if not isinstance(tiers, list) or not tiers:
        raise _bad("分档收费须至少设置一档。")
    out: list[tuple[int | None, int]] = []
    last = 0
    for i, tier in enumerate(tiers):
        if not isinstance(tier, dict):
            raise _bad("分档格式有误。")
        up_to, unit = tier.get("up_to"), tier.get("unit_fen")
        if type(unit) is not int or unit < 0:
            raise _bad("分档单价须为不小于0的整数（分）。")
        if up_to is None:
            if i != len(tiers) - 1:
                raise _bad("只有最后一档可以不设上限。")
        elif type(up_to) is not int or up_to <= last:
            raise _bad("分档上限须为逐档递增的正整数。")
        else:
            last = up_to
        out.append((up_to, unit))
    return out


def fee_amount(
    *,
    method: str,
    quantity: int,
    amount_fen: int | None = None,
    unit_fen: int | None = None,
    tiers: Any = None,
    cap_fen: int | None = None,
) -> int:
    """
    Return the standard amount in fen for ``quantity`` units.

    - fixed: ``amount_fen`` whatever the quantity (one charge);
    - per unit: ``unit_fen × quantity``;
    - tiered (累进): each unit costs the price of the bracket it falls in;
      units beyond the last closed bracket cost the last bracket's price.

    ``cap_fen`` caps the result. Raises ``invalid_input`` when the item's
    data cannot give an amount.

    中文：按标准计算收费金额
    """
    if type(quantity) is not int or quantity < 1:
        raise _bad("数量须为正整数。")
    if method == FeeMethod.FIXED:
        if amount_fen is None:
            raise _bad("该收费项目未设定额。")
        total = amount_fen
    elif method == FeeMethod.PER_UNIT:
        if unit_fen is None:
            raise _bad("该收费项目未设单价。")
        total = unit_fen * quantity
    elif method == FeeMethod.TIERED:
        total, below = 0, 0
        brackets = tiers_check(tiers)
        for up_to, unit in brackets:
            top = quantity if up_to is None else min(quantity, up_to)
            if top > below:
                total += (top - below) * unit
                below = top
            if below >= quantity:
                break
        if below < quantity:  # past the last closed bracket
            total += (quantity - below) * brackets[-1][1]
    else:
        raise _bad("未知的计费方式。")
    if cap_fen is not None:
        total = min(total, cap_fen)
    if total > AMOUNT_MAX_FEN:
        raise _bad("金额超出可登记范围。")
    return total


def fee_item_amount(fee: Any, quantity: int) -> int:
    """Return ``fee_amount`` for a FeeItem row. 中文：收费项目金额"""
    return fee_amount(
        method=fee.method,
        quantity=quantity,
        amount_fen=fee.amount_fen,
        unit_fen=fee.unit_fen,
        tiers=fee.tiers,
        cap_fen=fee.cap_fen,
    )


def yuan_to_fen(text: Any) -> int:
    """
    Return the fen in a yuan amount written as text ("12", "12.5", "12.50"),
    or raise ``invalid_input`` (no float ever: the text goes to Decimal).

    中文：元转分
    """
    raw = (
        str(text if text is not None else "").strip().replace("，", "").replace(",", "")
    )
    if len(raw) > 16 or not _YUAN.fullmatch(raw):
        raise _bad("金额须为不小于0的数字，单位元，最多两位小数。")
    value = Decimal(raw)
    fen = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if fen > AMOUNT_MAX_FEN:
        raise _bad("金额超出可登记范围。")
    return fen


def fen_to_yuan(fen: int | None) -> str:
    """Return ``fen`` as yuan text with two decimals ("12.50"). 中文：分转元"""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"
