"""
Demo supervision data (README): the registry synced and swept over the demo
cases, and one supervision order on the overdue demo case, so the desk of
``supervisor`` and ``head`` shows lamps, an order to answer and a card to
decide.  Idempotent.
"""

from typing import IO

from django.contrib.auth import get_user_model

from zhengtong.cases.models import Case

from .catalogue import catalogue_seed
from .constants import ClockKind, Lamp, OrderTarget
from .models import (
    Breach,
    BreachKind,
    Clock,
    MeasureKind,
    SupervisionOrder,
    SupervisionPolicy,
)
from .services.breaches import breach_propose
from .services.orders import order_create
from .services.sweep import supervision_sweep

User = get_user_model()


def seed(*, password: str, stdout: IO | None = None) -> None:
    catalogue_seed(MeasureKind, BreachKind, SupervisionPolicy)
    summary = supervision_sweep(resync=True)
    supervisor = User.objects.filter(username="supervisor").first()
    red = (
        Clock.objects.filter(kind=ClockKind.CASE, lamp=Lamp.RED)
        .order_by("due_date")
        .first()
    )
    if supervisor and red and not SupervisionOrder.objects.filter(auto=False).exists():
        case = Case.objects.select_related("department", "current_assignee").get(
            pk=red.case_id
        )
        order_create(
            actor=supervisor,
            target=OrderTarget.CASE,
            case=case,
            reason=f"办件 {case.number} 已超过承诺时限，尚未办结。",
            action="请查明超期原因，督促承办人员三个工作日内办结，并书面回复。",
            reply_days=3,
        )
        kind = BreachKind.objects.filter(code="overdue_concluded").first()
        if kind and not Breach.objects.exists():
            breach_propose(
                actor=supervisor,
                kind=kind,
                evidence_kind="case",
                evidence_id=case.pk,
                case_id=case.pk,
                evidence_text=f"办件 {case.number} 超过承诺时限（{red.due_date:%Y年%m月%d日}）仍未办结。",
                person=case.current_assignee,
                department=case.department,
            )
        supervision_sweep()
    if stdout:
        stdout.write(
            "电子监察：在办时钟 {clocks} 个，红灯 {red}、黄灯 {yellow}。".format(
                **{
                    "clocks": summary["clocks"],
                    "red": Clock.objects.filter(lamp=Lamp.RED, state="running").count(),
                    "yellow": Clock.objects.filter(
                        lamp=Lamp.YELLOW, state="running"
                    ).count(),
                }
            )
        )
