"""
Public hall pages: kiosk, hall and counter displays, ticket tracking,
remote tickets and appointments for applicants.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhengtong.catalog.models import Counter, Hall
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.core.limits import TICKET_ISSUE_THROTTLES, limit_wait
from zhengtong.core.pdf import qr_data_uri
from zhengtong.core.urls_public import public_reverse

from . import selectors, services
from .models import Category, Ticket


def _hall_from_request(request: HttpRequest) -> Hall:
    hall_id = request.GET.get("hall", "")
    qs = Hall.objects.filter(queue_categories__active=True).distinct().order_by("pk")
    hall = qs.filter(pk=int_id(hall_id)).first() if int_id(hall_id) else qs.first()
    if hall is None:
        hall = Hall.objects.order_by("pk").first()
    if hall is None:
        raise Http404("尚未配置大厅。")
    return hall


def _ticket_context(request: HttpRequest, ticket: Ticket) -> dict:
    ahead = selectors.ticket_waiting_ahead(ticket=ticket)
    url = public_reverse("queueing:ticket-track", args=[ticket.token])
    return {
        "ticket": ticket,
        "ahead": ahead,
        "wait_minutes": selectors.ticket_estimated_wait_minutes(
            ticket=ticket, ahead=ahead
        ),
        "track_url": url,
    }


def _session_hint(hall: Hall) -> dict:
    """Return the session open now and, unless it takes walk-ins, the next one."""
    now = timezone.now()
    try:
        session = selectors.hall_session_at(hall=hall, at=now)
        upcoming = (
            None
            if session and session.takes_tickets
            else selectors.hall_next_opening(hall=hall, after=now, walk_in=True)
        )
    except ApplicationError:
        session, upcoming = None, None
    return {"session": session, "upcoming": upcoming}


def _today_service(hall: Hall) -> dict:
    """Return today's service of the hall for the hall display."""
    try:
        return {
            "today_service": selectors.hall_service_day(
                hall=hall, day=timezone.localdate()
            )
        }
    except ApplicationError:
        return {"today_service": None}


@require_http_methods(["GET", "POST"])
def kiosk_view(request: HttpRequest) -> HttpResponse:
    """Touch kiosk: large buttons per category, priority option, check-in."""
    hall = _hall_from_request(request)
    error = ""
    wait = None
    if request.method == "POST":
        try:
            if not request.POST.get("check_in_code"):
                wait = limit_wait(request, TICKET_ISSUE_THROTTLES)
            if wait is not None:
                raise ApplicationError(
                    "throttled", f"取号过于频繁，请{int(wait) + 1}秒后再试。"
                )
            if request.POST.get("check_in_code"):
                ticket = services.appointment_check_in(
                    code=request.POST["check_in_code"], actor="取号机"
                )
            else:
                category = selectors.category_get_by_ref(
                    ref=request.POST.get("category", "")
                )
                if category.hall_id != hall.pk:
                    raise ApplicationError("unknown_category", "业务类别不在本大厅。")
                ticket = services.ticket_issue(
                    category=category,
                    channel=Ticket.Channel.KIOSK,
                    priority=request.POST.get("priority", "none") or "none",
                    actor="取号机",
                )
            return redirect("queueing:kiosk-ticket", token=ticket.token)
        except ApplicationError as exc:
            error = exc.message
    day = timezone.localdate()
    counts = {
        w["category"]: w for w in selectors.waiting_counts(hall_id=hall.pk, day=day)
    }
    categories = [
        {"obj": c, "waiting": counts.get(c.code, {}).get("waiting", 0)}
        for c in selectors.category_list(hall=hall)
    ]
    response = render(
        request,
        "queueing/kiosk.html",
        {
            "hall": hall,
            "categories": categories,
            "priorities": [p for p in Ticket.Priority.choices if p[0] != "none"],
            "error": error,
            **_session_hint(hall),
        },
        status=429 if wait is not None else 400 if error else 200,
    )
    if wait is not None:
        response["Retry-After"] = str(int(wait) + 1)
    return response


def kiosk_ticket_view(request: HttpRequest, token: str) -> HttpResponse:
    """The printable ticket, shown right after it is issued."""
    try:
        ticket = selectors.ticket_get_by_token(token=token)
    except ApplicationError:
        raise Http404 from None
    context = _ticket_context(request, ticket)
    context["qr"] = qr_data_uri(context["track_url"])
    context["hall"] = ticket.hall
    return render(request, "queueing/kiosk_ticket.html", context)


def ticket_track_view(request: HttpRequest, token: str) -> HttpResponse:
    """Follow a ticket on a phone: position and estimated wait (auto-refresh)."""
    try:
        ticket = selectors.ticket_get_by_token(token=token)
    except ApplicationError:
        raise Http404 from None
    template = (
        "queueing/_ticket_status.html"
        if request.headers.get("HX-Request")
        else "queueing/ticket_track.html"
    )
    return render(request, template, _ticket_context(request, ticket))


def hall_display_view(request: HttpRequest) -> HttpResponse:
    """The hall display (叫号屏): live over a WebSocket, speaks each call."""
    hall = _hall_from_request(request)
    snapshot = selectors.display_snapshot(hall_id=hall.pk)
    return render(
        request,
        "queueing/display.html",
        {
            "hall": hall,
            "snapshot": snapshot,
            "ws_path": f"/ws/queue/hall/{hall.pk}/",
            **_today_service(hall),
        },
    )


def counter_display_view(request: HttpRequest, counter_id: int) -> HttpResponse:
    """The counter-top display of one counter."""
    counter = Counter.objects.select_related("hall").filter(pk=counter_id).first()
    if counter is None:
        raise Http404("窗口不存在。")
    snapshot = selectors.display_snapshot(
        hall_id=counter.hall_id, counter_id=counter.pk
    )
    return render(
        request,
        "queueing/counter_display.html",
        {
            "counter": counter,
            "hall": counter.hall,
            "snapshot": snapshot,
            "current": snapshot["calls"][0] if snapshot["calls"] else None,
            "ws_path": f"/ws/queue/counter/{counter.pk}/",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def remote_ticket_view(request: HttpRequest) -> HttpResponse:
    """Take a ticket from a phone during opening hours (signed-in applicant)."""
    hall = _hall_from_request(request)
    if request.method == "POST":
        try:
            category = selectors.category_get_by_ref(
                ref=request.POST.get("category", "")
            )
            ticket = services.ticket_issue(
                category=category,
                channel=Ticket.Channel.MOBILE,
                applicant=request.user,
                phone=request.user.phone,
                actor=request.user,
            )
            messages.success(request, f"取号成功：{ticket.number}")
            return redirect("queueing:ticket-track", token=ticket.token)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    tickets = [
        _ticket_context(request, t)
        for t in selectors.ticket_list_for_applicant(
            user=request.user, day=timezone.localdate()
        )
    ]
    return render(
        request,
        "queueing/remote.html",
        {
            "hall": hall,
            "categories": selectors.category_list(hall=hall),
            "tickets": tickets,
            **_session_hint(hall),
        },
    )


@login_required
def appointment_list_view(request: HttpRequest) -> HttpResponse:
    """Book a slot, see and cancel the applicant's appointments."""
    hall = _hall_from_request(request)
    categories = list(selectors.category_list(hall=hall))
    policy = selectors.policy_get(hall=hall)
    today = timezone.localdate()
    category = None
    ref = request.GET.get("category")
    if ref:
        category = next((c for c in categories if c.code == ref), None)
    category = category or (categories[0] if categories else None)
    horizon = today + dt.timedelta(days=policy.booking_horizon_days)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
        candidates = [min(max(day, today), horizon)]
    except ValueError:
        # No date chosen: show the first day from tomorrow that has slots.
        candidates = [
            today + dt.timedelta(days=i)
            for i in range(1, policy.booking_horizon_days + 1)
        ]
    day = candidates[0]
    slots, error = [], ""
    if category is not None:
        for candidate in candidates:
            try:
                slots = selectors.appointment_slots(category=category, day=candidate)
            except ApplicationError as exc:
                error = exc.message
                break
            if slots:
                day = candidate
                break
    days = [
        _day_tab(hall, category, today + dt.timedelta(days=i))
        for i in range(policy.booking_horizon_days + 1)
    ]
    return render(
        request,
        "queueing/appointments.html",
        {
            "hall": hall,
            "categories": categories,
            "category": category,
            "day": day,
            "days": days,
            "slots": slots,
            "slot_error": error,
            "appointments": selectors.appointment_list_for_applicant(user=request.user)[
                :20
            ],
            "policy": policy,
            "blocked_until": selectors.appointment_block_until(
                user=request.user, hall=hall
            ),
        },
    )


def _day_tab(hall: Hall, category: Category | None, day: dt.date) -> dict:
    """
    A date of the booking page: bookable or not (and why not: 休息日,
    法定节假日, 不开放), marked when a rule opens a day off.
    """
    try:
        service_day = selectors.hall_service_day(hall=hall, day=day)
    except ApplicationError:
        return {"date": day, "bookable": False, "mark": "", "why": "不可预约"}
    sessions = [
        s
        for s in service_day.sessions_for(category.pk if category else None)
        if s.takes_appointments
    ]
    special = service_day.is_day_off and sessions
    return {
        "date": day,
        "bookable": bool(sessions),
        "mark": "周末服务" if special else "",
        "why": ""
        if sessions
        else (service_day.kind_label if service_day.is_day_off else "不开放"),
    }


@login_required
@require_POST
def appointment_book_view(request: HttpRequest) -> HttpResponse:
    category = Category.objects.filter(
        code=request.POST.get("category", "")[:40], active=True
    ).first()
    try:
        if category is None:
            raise ApplicationError("unknown_category", "业务类别不存在。")
        start = dt.datetime.fromisoformat(request.POST.get("slot_start", ""))
        appointment = services.appointment_book(
            applicant=request.user, category=category, slot_start=start
        )
        messages.success(
            request,
            f"预约成功：{timezone.localtime(appointment.slot_start):%m月%d日 %H:%M}，"
            f"签到码 {appointment.code}。",
        )
    except ValueError:
        messages.error(request, "请选择预约时段。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("queueing:appointments")


@login_required
@require_POST
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    try:
        appointment = selectors.appointment_get_for_applicant(
            user=request.user, appointment_id=appointment_id
        )
        services.appointment_cancel(appointment=appointment, actor=request.user)
        messages.success(request, "预约已取消。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("queueing:appointments")
