"""Thin REST APIs of the queue; logic lives in services and selectors."""

import datetime as dt
from typing import Any

from django.utils import timezone

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.catalog.models import Counter, ServiceItem
from zhengtong.core.errors import ApplicationError, PermissionDeniedError
from zhengtong.core.inputs import int_id
from zhengtong.core.limits import TICKET_ISSUE_THROTTLES
from zhengtong.core.masking import mask_phone

from . import permissions, selectors, services
from .models import Appointment, Category, ServiceRule, Ticket

# Output shapes -------------------------------------------------------------


class CategoryOutput(serializers.ModelSerializer):
    hall = serializers.CharField(source="hall.name")
    hall_id = serializers.IntegerField()

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "prefix",
            "hall_id",
            "hall",
            "description",
            "daily_cap",
            "warning_threshold",
            "minutes_per_service",
        ]


class CounterOutput(serializers.ModelSerializer):
    hall = serializers.CharField(source="hall.name")
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Counter
        fields = [
            "id",
            "number",
            "name",
            "hall_id",
            "hall",
            "floor",
            "zone",
            "categories",
        ]

    def get_categories(self, obj: Counter) -> list[dict]:
        return [
            {
                "code": link.category.code,
                "prefix": link.category.prefix,
                "rank": link.rank,
            }
            for link in sorted(obj.queue_categories.all(), key=lambda x: x.rank)
        ]


class TicketOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    counter = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    waiting_ahead = serializers.SerializerMethodField()
    estimated_wait_minutes = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    priority_label = serializers.CharField(source="get_priority_display")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "token",
            "category",
            "category_name",
            "status",
            "status_label",
            "priority",
            "priority_label",
            "channel",
            "service_date",
            "arrival_at",
            "called_at",
            "served_at",
            "finished_at",
            "counter",
            "recall_count",
            "transfer_count",
            "matter",
            "case_id",
            "phone",
            "waiting_ahead",
            "estimated_wait_minutes",
        ]

    def get_counter(self, obj: Ticket) -> str | None:
        return obj.counter.number if obj.counter_id else None

    def get_phone(self, obj: Ticket) -> str:
        return mask_phone(obj.phone) if obj.phone else ""

    def _ahead(self, obj: Ticket) -> int:
        if not hasattr(obj, "_ahead"):
            obj._ahead = selectors.ticket_waiting_ahead(ticket=obj)
        return obj._ahead

    def get_waiting_ahead(self, obj: Ticket) -> int:
        return self._ahead(obj)

    def get_estimated_wait_minutes(self, obj: Ticket) -> int:
        return selectors.ticket_estimated_wait_minutes(
            ticket=obj, ahead=self._ahead(obj)
        )


def ticket_output(ticket: Ticket) -> dict[str, Any]:
    """
    Return ``TicketOutput`` of ``ticket`` (the answer of issue, calling and
    every ticket action). A new ticket's ``waiting_ahead`` may come with it
    from the display broadcast (``ticket._ahead``, read in the same statement
    as the hall's counts).
    """
    return rendered(TicketOutput, ticket)


class AppointmentOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    status_label = serializers.CharField(source="get_status_display")
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = [
            "id",
            "category",
            "category_name",
            "date",
            "slot_start",
            "slot_end",
            "status",
            "status_label",
            "code",
            "phone",
        ]

    def get_phone(self, obj: Appointment) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


class SlotOutput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    session = serializers.CharField(help_text="时段名称，如：上午、周六上午服务")
    mode = serializers.ChoiceField(
        choices=ServiceRule.Mode.choices,
        help_text="服务方式：all 取号和预约，appointments 仅限预约",
    )
    notice = serializers.CharField(
        help_text="含服务方式的说明，如：周六上午服务，仅限预约"
    )
    capacity = serializers.IntegerField()
    booked = serializers.IntegerField()
    available = serializers.IntegerField()


# Catalogue of the queue ------------------------------------------------------


class CategoryListApi(APIView):
    """Business categories (业务类别) that issue tickets."""

    @extend_schema(
        summary="业务类别列表",
        parameters=[OpenApiParameter("hall", int, required=False)],
        responses=CategoryOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = selectors.category_list()
        hall = request.query_params.get("hall")
        if hall:
            hall_id = int_id(hall)
            if hall_id is None:
                raise ApplicationError("invalid_hall", "大厅编号不正确。")
            qs = qs.filter(hall_id=hall_id)
        return Response(CategoryOutput(qs, many=True).data)


class CounterListApi(APIView):
    """Counters (窗口) and the categories they serve, in call order."""

    @extend_schema(
        summary="叫号窗口及其业务类别",
        description="各窗口按呼叫顺序服务的业务类别（排队叫号用）；"
        "办理某事项的窗口见 /api/v1/catalog/counters/。",
        responses=CounterOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(CounterOutput(selectors.counter_list(), many=True).data)


# Tickets ------------------------------------------------------------------


class TicketIssueApi(APIView):
    """
    Take a ticket: anonymous → kiosk; signed-in applicant → phone; staff → staff.

    Outside opening hours the answer is 409 ``outside_opening_hours``.
    """

    throttle_classes = TICKET_ISSUE_THROTTLES

    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(max_length=40)
        priority = serializers.ChoiceField(
            choices=Ticket.Priority.choices, required=False, default="none"
        )
        phone = serializers.RegexField(
            r"^1\d{10}$", required=False, allow_blank=True, default=""
        )

    @extend_schema(
        summary="取号",
        request=InputSerializer,
        responses={201: TicketOutput},
    )
    def post(self, request: Request) -> Response:
        ticket = self.issue(request.user, validated(self.InputSerializer, request.data))
        return Response(ticket_output(ticket), status=status.HTTP_201_CREATED)

    @staticmethod
    def issue(user: Any, data: dict[str, Any]) -> Ticket:
        """Issue a ticket for validated ``data`` on behalf of ``user``."""
        category = selectors.category_get_by_ref(ref=data["category"])
        if permissions.can_call_tickets(user=user):
            channel, applicant = Ticket.Channel.STAFF, None
        elif user.is_authenticated:
            channel, applicant = Ticket.Channel.MOBILE, user
        else:
            channel, applicant = Ticket.Channel.KIOSK, None
        return services.ticket_issue(
            category=category,
            channel=channel,
            priority=data["priority"],
            applicant=applicant,
            phone=data["phone"]
            or (getattr(applicant, "phone", "") if applicant else ""),
            actor=user if user.is_authenticated else "取号机",
        )


class TicketTrackApi(APIView):
    """Follow a ticket by its token (the QR code on the printed ticket)."""

    @extend_schema(summary="查询排队号进度", responses=TicketOutput)
    def get(self, request: Request, token: str) -> Response:
        return Response(ticket_output(selectors.ticket_get_by_token(token=token)))


class TicketMineApi(APIView):
    """The signed-in applicant's tickets of today."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="我的排队号", responses=TicketOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.ticket_list_for_applicant(
            user=request.user, day=timezone.localdate()
        )
        return Response(rendered_many(TicketOutput, qs))


class CounterCallNextApi(APIView):
    """Call the next ticket at a counter (staff assigned there)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="叫号（下一位）",
        request=None,
        responses={200: TicketOutput, 204: None},
    )
    def post(self, request: Request, counter_id: int) -> Response:
        ticket = self.call_next(request.user, counter_id)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ticket_output(ticket))

    @staticmethod
    def call_next(user: Any, counter_id: Any) -> Ticket | None:
        counter = selectors.counter_get_for_staff(user=user, counter_id=counter_id)
        return services.ticket_call_next(counter=counter, actor=user)


class _TicketActionApi(APIView):
    permission_classes = [IsAuthenticated]

    def ticket(self, request: Request, ticket_id: int) -> Ticket:
        return selectors.ticket_get_for_staff(user=request.user, ticket_id=ticket_id)

    def done(self, ticket: Ticket) -> Response:
        return Response(ticket_output(ticket))


class TicketRecallApi(_TicketActionApi):
    @extend_schema(summary="重呼", request=None, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        return self.done(
            services.ticket_recall(
                ticket=self.ticket(request, ticket_id), actor=request.user
            )
        )


class TicketNoShowApi(_TicketActionApi):
    @extend_schema(summary="过号", request=None, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        return self.done(
            services.ticket_mark_no_show(
                ticket=self.ticket(request, ticket_id), actor=request.user
            )
        )


class TicketStartApi(_TicketActionApi):
    @extend_schema(summary="开始办理", request=None, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        return self.done(
            services.ticket_start(
                ticket=self.ticket(request, ticket_id), actor=request.user
            )
        )


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class TicketHoldApi(_TicketActionApi):
    @extend_schema(summary="暂停办理", request=ReasonInput, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        data = validated(ReasonInput, request.data)
        return self.done(
            services.ticket_hold(
                ticket=self.ticket(request, ticket_id),
                actor=request.user,
                reason=data.get("reason", ""),
            )
        )


class TicketResumeApi(_TicketActionApi):
    @extend_schema(summary="恢复办理", request=None, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        return self.done(
            services.ticket_resume(
                ticket=self.ticket(request, ticket_id), actor=request.user
            )
        )


class TicketTransferApi(_TicketActionApi):
    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(
            max_length=40, required=False, allow_blank=True
        )
        counter = serializers.IntegerField(required=False, allow_null=True, min_value=1)
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(
        summary="转移到其他类别或窗口", request=InputSerializer, responses=TicketOutput
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)
        ticket = self.ticket(request, ticket_id)
        category = (
            selectors.category_get_by_ref(ref=data["category"])
            if data.get("category")
            else None
        )
        counter = None
        if data.get("counter"):
            counter = Counter.objects.filter(pk=data["counter"], is_active=True).first()
            if counter is None:
                raise ApplicationError("unknown_counter", "目标窗口不存在。")
        return self.done(
            services.ticket_transfer(
                ticket=ticket,
                actor=request.user,
                category=category,
                counter=counter,
                reason=data.get("reason", ""),
            )
        )


class TicketFinishApi(_TicketActionApi):
    class InputSerializer(serializers.Serializer):
        matter = serializers.CharField(max_length=300, required=False, allow_blank=True)
        service_item = serializers.CharField(
            max_length=100, required=False, allow_blank=True
        )

    @extend_schema(
        summary="办结并记录办理事项", request=InputSerializer, responses=TicketOutput
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)
        ticket = self.ticket(request, ticket_id)
        item = None
        if data.get("service_item"):
            ref = data["service_item"]
            item = (
                ServiceItem.objects.filter(pk=int_id(ref)).first()
                if int_id(ref)
                else ServiceItem.objects.filter(item_code=ref).first()
            )
            if item is None:
                raise ApplicationError("unknown_service_item", "事项不存在。")
        return self.done(
            services.ticket_finish(
                ticket=ticket,
                actor=request.user,
                matter=data.get("matter", ""),
                service_item=item,
            )
        )


class TicketCancelApi(APIView):
    """Cancel a waiting ticket: its applicant, or staff of the category."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="取消排队号", request=None, responses=TicketOutput)
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = (
            selectors.ticket_list_for_applicant(user=request.user)
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            ticket = selectors.ticket_get_for_staff(
                user=request.user, ticket_id=ticket_id
            )
        return Response(
            ticket_output(services.ticket_cancel(ticket=ticket, actor=request.user))
        )


# Appointments -------------------------------------------------------------


class AppointmentSlotsApi(APIView):
    """Bookable slots of a category on a day."""

    @extend_schema(
        summary="预约可选时段",
        parameters=[
            OpenApiParameter(
                "category", str, required=True, description="类别 id 或代码"
            ),
            OpenApiParameter("date", dt.date, required=True),
        ],
        responses=SlotOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        if not params.get("category") or not params.get("date"):
            raise ApplicationError("invalid_input", "请提供业务类别和日期。")
        category = selectors.category_get_by_ref(ref=params["category"])
        try:
            day = dt.date.fromisoformat(params["date"])
        except ValueError:
            raise ApplicationError(
                "invalid_date", "日期格式应为 YYYY-MM-DD。"
            ) from None
        slots = selectors.appointment_slots(category=category, day=day)
        return Response(SlotOutput(slots, many=True).data)


class AppointmentListCreateApi(APIView):
    """The applicant's appointments; book a new one."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(max_length=40)
        slot_start = serializers.DateTimeField()
        phone = serializers.RegexField(
            r"^1\d{10}$", required=False, allow_blank=True, default=""
        )

    @extend_schema(summary="我的预约", responses=AppointmentOutput(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.appointment_list_for_applicant(user=request.user)
        return Response(AppointmentOutput(qs, many=True).data)

    @extend_schema(
        summary="预约", request=InputSerializer, responses={201: AppointmentOutput}
    )
    def post(self, request: Request) -> Response:
        permissions.check_book_appointment(user=request.user)
        data = validated(self.InputSerializer, request.data)
        appointment = services.appointment_book(
            applicant=request.user,
            category=selectors.category_get_by_ref(ref=data["category"]),
            slot_start=data["slot_start"],
            phone=data["phone"],
        )
        return Response(
            AppointmentOutput(appointment).data, status=status.HTTP_201_CREATED
        )


class AppointmentCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="取消预约", request=None, responses=AppointmentOutput)
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = selectors.appointment_get_for_applicant(
            user=request.user, appointment_id=appointment_id
        )
        appointment = services.appointment_cancel(
            appointment=appointment, actor=request.user
        )
        return Response(AppointmentOutput(appointment).data)


class AppointmentCheckInApi(APIView):
    """Check in with the 8-digit code (kiosk); answers with the ticket."""

    class InputSerializer(serializers.Serializer):
        code = serializers.RegexField(
            r"^\d{8}$", error_messages={"invalid": "签到码为8位数字。"}
        )

    @extend_schema(
        summary="预约签到取号", request=InputSerializer, responses={201: TicketOutput}
    )
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        ticket = services.appointment_check_in(
            code=data["code"],
            actor=request.user if request.user.is_authenticated else "取号机",
        )
        return Response(ticket_output(ticket), status=status.HTTP_201_CREATED)


# Statistics -----------------------------------------------------------------


class QueueStatsDailyApi(APIView):
    """Per category / counter / staff figures of a day (staff only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="排队日统计",
        parameters=[OpenApiParameter("date", dt.date, required=False)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not permissions.can_see_queue_stats(user=user):
            raise PermissionDeniedError()
        raw = request.query_params.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ApplicationError(
                "invalid_date", "日期格式应为 YYYY-MM-DD。"
            ) from None
        return Response(selectors.queue_stats_daily(day=day))
