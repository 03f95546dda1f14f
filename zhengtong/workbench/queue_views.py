"""
Counter desk (窗口叫号台): current ticket, next in line, call buttons.

Works without page reloads through htmx; each button posts to
``QueueDeskActionView`` which calls one queueing service and answers with the
refreshed panel.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from zhengtong.catalog.models import Counter
from zhengtong.core.errors import ApplicationError, PermissionDeniedError
from zhengtong.core.inputs import int_id
from zhengtong.core.masking import mask_phone
from zhengtong.queueing import permissions, selectors, services
from zhengtong.queueing.models import Category, Ticket


def _next_in_line(counter: Counter, limit: int = 5) -> list[Ticket]:
    qs = selectors.ticket_queue_for_counter(counter=counter)
    if qs is None:
        return []
    return list(qs.select_related("category")[:limit])


def desk_context(*, counter: Counter, user, error: str = "", notice: str = "") -> dict:
    current = selectors.ticket_current_for_counter(counter=counter)
    return {
        "counter": counter,
        "counters": selectors.counter_list_for_staff(user=user),
        "current": current,
        "current_phone": mask_phone(current.phone) if current and current.phone else "",
        "held": list(selectors.ticket_list_held_for_counter(counter=counter)),
        "next_tickets": _next_in_line(counter),
        "waiting": selectors.waiting_counts(
            hall_id=counter.hall_id, day=timezone.localdate()
        ),
        "policy": selectors.policy_get(hall=counter.hall),
        "transfer_categories": Category.objects.filter(
            hall=counter.hall, active=True
        ).order_by("order", "prefix"),
        "transfer_counters": sorted(
            Counter.objects.filter(hall=counter.hall, is_active=True).exclude(
                pk=counter.pk
            ),
            key=selectors.counter_sort_key,
        ),
        "error": error,
        "notice": notice,
    }


class QueueDeskView(LoginRequiredMixin, View):
    """The counter desk page of the signed-in counter staff."""

    def get(self, request: HttpRequest) -> HttpResponse:
        counters = selectors.counter_list_for_staff(user=request.user)
        if not permissions.can_call_tickets(user=request.user) or not counters:
            return render(request, "workbench/queue/no_counter.html", status=403)
        wanted = request.GET.get("counter", "")
        counter = next((c for c in counters if str(c.pk) == wanted), counters[0])
        return render(
            request,
            "workbench/queue/desk.html",
            desk_context(counter=counter, user=request.user),
        )


ACTIONS = {
    "call-next": "叫号",
    "recall": "重呼",
    "no-show": "过号",
    "start": "开始办理",
    "hold": "暂停",
    "resume": "恢复",
    "transfer": "转移",
    "finish": "办结",
}


class QueueDeskActionView(LoginRequiredMixin, View):
    """Run one desk action and return the refreshed panel."""

    def post(self, request: HttpRequest, counter_id: int) -> HttpResponse:
        try:
            counter = selectors.counter_get_for_staff(
                user=request.user, counter_id=counter_id
            )
        except ApplicationError as exc:
            return HttpResponse(exc.message, status=exc.status)
        action = request.POST.get("action", "")
        error = notice = ""
        try:
            notice = self.run(request, counter, action)
        except ApplicationError as exc:
            error = exc.message
        context = desk_context(
            counter=counter, user=request.user, error=error, notice=notice
        )
        if not request.headers.get("HX-Request"):
            return redirect(f"/workbench/queue/?counter={counter.pk}")
        return render(request, "workbench/queue/_panel.html", context)

    def run(self, request: HttpRequest, counter: Counter, action: str) -> str:
        user = request.user
        if action not in ACTIONS:
            raise ApplicationError("invalid_action", "未知操作。")
        if action == "call-next":
            ticket = services.ticket_call_next(counter=counter, actor=user)
            return f"已呼叫 {ticket.number}" if ticket else "当前无人等候。"
        ticket = selectors.ticket_get_for_staff(
            user=user, ticket_id=request.POST.get("ticket", "")
        )
        if ticket.counter_id != counter.pk:
            raise PermissionDeniedError("该号不在本窗口。")
        if action == "recall":
            ticket = services.ticket_recall(ticket=ticket, actor=user)
        elif action == "no-show":
            ticket = services.ticket_mark_no_show(ticket=ticket, actor=user)
        elif action == "start":
            ticket = services.ticket_start(ticket=ticket, actor=user)
        elif action == "hold":
            ticket = services.ticket_hold(
                ticket=ticket, actor=user, reason=request.POST.get("reason", "")
            )
        elif action == "resume":
            ticket = services.ticket_resume(ticket=ticket, actor=user)
        elif action == "transfer":
            target = request.POST.get("target", "")
            category = target_counter = None
            if target.startswith("category:"):
                category = Category.objects.filter(pk=int_id(target[9:]) or 0).first()
            elif target.startswith("counter:") and int_id(target[8:]):
                target_counter = Counter.objects.filter(pk=int_id(target[8:])).first()
            if category is None and target_counter is None:
                raise ApplicationError("transfer_target_missing", "请选择转移目标。")
            ticket = services.ticket_transfer(
                ticket=ticket,
                actor=user,
                category=category,
                counter=target_counter,
                reason=request.POST.get("reason", ""),
            )
        elif action == "finish":
            ticket = services.ticket_finish(
                ticket=ticket, actor=user, matter=request.POST.get("matter", "")
            )
        return f"{ticket.number}：{ACTIONS[action]}完成"
