"""
Demo ratings (README): a rater device (评价器) bound to the counter of the
demo clerk, ratings on the demo's finished tickets and concluded cases, one
bad rating whose rectification is in progress.  Idempotent.
"""

from typing import IO

from django.contrib.auth import get_user_model

from zhengtong.cases.models import Case
from zhengtong.core.errors import ApplicationError
from zhengtong.core.urls_public import public_reverse
from zhengtong.queueing.models import StaffCounterAssignment, Ticket

from .models_ratings import Classification, RaterDevice, Rating, Rectification
from .services.ratings import event_for_case, event_for_ticket, rating_create
from .services.ratings_devices import device_bind
from .services.rectifications import rectification_verify

User = get_user_model()
DEMO_LEVELS = (5, 4, 5, 5, 3, 4)


def _device(admin) -> RaterDevice | None:
    device = RaterDevice.objects.filter(is_active=True).order_by("pk").first()
    if device is not None or admin is None:
        return device
    clerk = User.objects.filter(username="counter").first()
    assignment = (
        StaffCounterAssignment.objects.filter(user=clerk)
        .select_related("counter")
        .first()
        if clerk
        else None
    )
    if assignment is None:
        return None
    return device_bind(actor=admin, counter=assignment.counter, name="演示评价器")


def ratings_seed(*, password: str, stdout: IO | None = None) -> None:
    admin = User.objects.filter(username="admin").first()
    device = _device(admin)
    if not Rating.objects.exists():
        tickets = Ticket.objects.filter(status=Ticket.Status.FINISHED).select_related(
            "hall__region", "service_item", "staff", "counter"
        )
        clerk = User.objects.filter(username="counter").first()
        events = []
        for ticket in tickets.order_by("pk")[:60]:
            try:
                events.append(event_for_ticket(ticket))
            except ApplicationError:
                continue
        # the bad one is on the demo clerk's department, so ``counter`` sees it
        mine = [e for e in events if clerk and e.department_id == clerk.department_id]
        if mine:
            events.remove(mine[0])
            events = [*events[: len(DEMO_LEVELS)], mine[0]]
        else:
            events = events[: len(DEMO_LEVELS) + 1]
        for given, event in enumerate(events):
            if given < len(DEMO_LEVELS):
                rating_create(event=event, level=DEMO_LEVELS[given], channel="device")
            else:  # the bad one, real-name, with its rectification under way
                rating = rating_create(
                    event=event,
                    level=2,
                    channel="device",
                    comment="等候时间太长，窗口人员解释不耐心。",
                    real_name=True,
                    rater_name="刘女士",
                    rater_phone="13912345678",
                )
                staff = (
                    clerk
                    if clerk and clerk.department_id == event.department_id
                    else None
                )
                if staff is not None:
                    rectification_verify(
                        rectification=Rectification.objects.get(rating=rating),
                        actor=staff,
                        finding="已电话联系评价人核实：午间高峰仅开一个窗口，解释不到位属实。",
                        classification=Classification.LIMITED,
                        contacted=True,
                    )
        applicant = User.objects.filter(username="applicant").first()
        case = Case.objects.filter(applicant=applicant, status="concluded").first()
        if case is not None:
            rating_create(
                event=event_for_case(case),
                level=5,
                channel="online",
                rater=applicant,
                real_name=True,
                rater_name=applicant.display_name if applicant else "",
                comment="网上申请方便，办理很快。",
            )
    if stdout:
        stdout.write(
            "好差评：评价 {n} 条，差评整改 {r} 件；评价器：{url}".format(
                n=Rating.objects.count(),
                r=Rectification.objects.count(),
                url=(
                    public_reverse(
                        "portal:feedback-rater", query={"device": device.token}
                    )
                    if device
                    else "（无窗口人员排班，未绑定）"
                ),
            )
        )
