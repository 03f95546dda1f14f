"""
Demo fees (README): published fee items on two demo items, the region's
reduction bases, one case charged and paid, one refund waiting for the
部门负责人 (``head``). Idempotent.

Source note: the shared guides (../shared/data/) publish no charged fee for
their items (every ``fee.charged`` is false), so the demo puts fee items
modelled on a public national standard on the demo items: the 不动产登记费
standard of 发改价格规〔2016〕2559号 (住宅 80元/件, each certificate beyond
the first 10元) and the exemption of small and micro enterprises of
财税〔2016〕79号. Every row says it is demo data (``source``); check the
documents before real use.
"""

from typing import IO

from django.contrib.auth import get_user_model

from zhengtong.cases.models import Case

from .corrections import charge_void
from .models import (
    Charge,
    FeeItem,
    FeeMethod,
    Payment,
    ReductionBasis,
    ReductionKind,
    Refund,
)
from .notices import payment_notice_issue, payment_notice_latest
from .services import charge_record, payment_record, refund_request

User = get_user_model()
SOURCE = "演示数据，参照发改价格规〔2016〕2559号；正式使用前请核对原文。"
BASIS_SOURCE = "演示数据，参照财税〔2016〕79号；正式使用前请核对原文。"

FEES = [
    {
        "order": 1,
        "name": "登记费（住宅类，演示）",
        "legal_basis": "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》"
        "（发改价格规〔2016〕2559号）",
        "standard": "每件80元",
        "method": FeeMethod.FIXED,
        "amount_fen": 8000,
    },
    {
        "order": 2,
        "name": "证书工本费（演示）",
        "legal_basis": "发改价格规〔2016〕2559号",
        "standard": "第一本免收，每增加一本加收10元",
        "method": FeeMethod.TIERED,
        "unit_name": "本",
        "tiers": [{"up_to": 1, "unit_fen": 0}, {"up_to": None, "unit_fen": 1000}],
    },
    {
        "order": 3,
        "name": "档案复制费（演示）",
        "legal_basis": "演示设定",
        "standard": "每页0.50元",
        "method": FeeMethod.PER_UNIT,
        "unit_name": "页",
        "unit_fen": 50,
    },
]
BASES = [
    ("small-firm", "小微企业免收（演示）", ReductionKind.EXEMPT, 100),
    ("hardship-half", "困难群众减半收取（演示）", ReductionKind.REDUCE, 50),
    ("hardship-defer", "特殊困难缓收（演示）", ReductionKind.DEFER, 0),
]


def _say(stdout: IO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _fee_items(version_id: int) -> dict[int, FeeItem]:
    out = {}
    for spec in FEES:
        fee, _ = FeeItem.objects.get_or_create(
            version_id=version_id,
            name=spec["name"],
            defaults={
                **{k: v for k, v in spec.items() if k != "name"},
                "source": SOURCE,
            },
        )
        out[int(spec["order"])] = fee
    return out


def seed(*, password: str, stdout: IO | None = None) -> None:
    """
    Create the demo fee items, bases, charges, payments and a pending refund.

    中文：演示收费
    """
    cases = {
        c.idempotency_key: c
        for c in Case.objects.filter(
            idempotency_key__in=["demo-approved", "demo-accepted", "demo-concluded"]
        ).select_related("department")
    }
    counter = User.objects.filter(username="counter").first()
    paid_case, refund_case = cases.get("demo-approved"), cases.get("demo-accepted")
    if counter is None or paid_case is None or refund_case is None:
        _say(stdout, "演示收费：缺少演示办件或窗口账号，跳过。\n")
        return
    desk = counter.counters.order_by("pk").first()
    desk_id = desk.pk if desk is not None else None
    versions = {c.item_version_id for c in cases.values() if c.item_version_id}
    items = {v: _fee_items(v) for v in sorted(versions)}
    region = paid_case.department.region
    if region is not None:
        for code, name, kind, percent in BASES:
            ReductionBasis.objects.get_or_create(
                region=region,
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "percent": percent,
                    "legal_basis": BASIS_SOURCE
                    if code == "small-firm"
                    else "演示设定；正式使用时填写本区划的政策文件。",
                },
            )
    if not Charge.objects.filter(case=paid_case).exists():
        fees = items[paid_case.item_version_id]
        charge_record(
            case=paid_case,
            fee_item_id=fees[1].pk,
            quantity=1,
            actor=counter,
            counter_id=desk_id,
        )
        charge_record(
            case=paid_case,
            fee_item_id=fees[2].pk,
            quantity=2,
            actor=counter,
            counter_id=desk_id,
        )
        payment_record(
            case=paid_case,
            method="card",
            amount_fen=9000,
            receipt_number="DEMO-2026-0001",
            actor=counter,
            counter_id=desk_id,
        )
    if not Charge.objects.filter(case=refund_case).exists():
        fees = items[refund_case.item_version_id]
        charge_record(
            case=refund_case,
            fee_item_id=fees[3].pk,
            quantity=40,
            actor=counter,
            counter_id=desk_id,
        )
        payment = payment_record(
            case=refund_case,
            method="cash",
            amount_fen=2000,
            receipt_number="DEMO-2026-0002",
            actor=counter,
            counter_id=desk_id,
        )
        refund_request(
            payment=payment,
            amount_fen=500,
            reason="复制页数登记有误（实为30页），退还多收的5.00元。",
            actor=counter,
        )
    # 收费办结 on the demo version's 登记费 (the paid case stays deliverable);
    # the accepted case owes its 登记费 and has a 缴费通知书.
    FeeItem.objects.filter(
        version_id=paid_case.item_version_id, name=FEES[0]["name"]
    ).update(settle_before_delivery=True)
    notice = payment_notice_latest(case=refund_case)
    if notice is None:
        fees = items[refund_case.item_version_id]
        charge_record(
            case=refund_case,
            fee_item_id=fees[1].pk,
            quantity=1,
            actor=counter,
            counter_id=desk_id,
        )
        wrong = charge_record(
            case=refund_case,
            fee_item_id=fees[3].pk,
            quantity=400,
            actor=counter,
            counter_id=desk_id,
        )
        charge_void(charge=wrong, actor=counter, reason="页数多录一个0（实为40页）。")
        notice = payment_notice_issue(case=refund_case, actor=counter)
    _say(
        stdout,
        f"演示收费：缴费通知书 {notice.number}（办件 {refund_case.number}）；"
        f"{FeeItem.objects.count()} 个收费项目，"
        f"{Payment.objects.count()} 笔缴费，"
        f"{Refund.objects.filter(state='requested').count()} 笔退费待审批。\n",
    )
