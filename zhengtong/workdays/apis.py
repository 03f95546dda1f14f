"""
Public working-day APIs: deadline, is-working-day, days between, loaded years.

Read-only and open to everyone (the calendar is public information).  Bad
parameters answer HTTP 400 ``{"code", "message"}`` in Chinese; a date in a
year whose notice is not loaded answers 400 ``calendar_year_missing``.

中文：工作日历接口
"""

import re
from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError

from .constants import PROVISIONAL_BASIS, ErrorCode, YearStatus
from .selectors import calendar_get, calendar_year_list, region_code_normalise

MAX_DAYS = 3650
PROVISIONAL_HELP = (
    "为 true 时结果落在推定年度：该年国务院放假安排尚未公布，按法定节假日推定"
    "（不含调休），通知导入后依法校正。"
)
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_param(request: Request, name: str, label: str) -> date:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip():
        raise ApplicationError(
            ErrorCode.INVALID_DATE, f"请提供{label}（参数 {name}，格式 YYYY-MM-DD）。"
        )
    raw = raw.strip()
    try:
        if not _DATE_RE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(
            ErrorCode.INVALID_DATE,
            f"{label}格式有误，应为 YYYY-MM-DD 格式的有效日期，例如 2026-02-10。",
        ) from None


def _days_param(request: Request) -> int:
    raw = request.query_params.get("days")
    if raw is None or not raw.strip():
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, "请提供工作日天数（参数 days）。"
        )
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, f"工作日天数应为 0 到 {MAX_DAYS} 之间的整数。"
        )
    value = int(raw)
    if value > MAX_DAYS:
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, f"工作日天数应为 0 到 {MAX_DAYS} 之间的整数。"
        )
    return value


REGION_PARAM = OpenApiParameter(
    "region",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="区划代码（6 位或 12 位），按地方调整后的日历计算；省略为全国日历。",
)
ERROR_RESPONSE = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
}


class DeadlineOutput(serializers.Serializer):
    start = serializers.DateField(help_text="起算日（受理日），当日不计入。")
    days = serializers.IntegerField(help_text="工作日天数。")
    deadline = serializers.DateField(help_text="届满日：起算日之后第 N 个工作日。")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class WorkingDayOutput(serializers.Serializer):
    date = serializers.DateField()
    working_day = serializers.BooleanField(help_text="是否工作日。")
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class DaysBetweenOutput(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    working_days = serializers.IntegerField(
        help_text="区间 (start, end] 内的工作日数：start 当日不计，end 当日计入。"
    )
    provisional = serializers.BooleanField(help_text=PROVISIONAL_HELP)


class CalendarYearOutput(serializers.Serializer):
    year = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=YearStatus.choices,
        help_text="official：已导入国务院通知；provisional：按法定节假日推定。",
    )
    source = serializers.CharField()
    source_notice = serializers.CharField()
    source_url = serializers.CharField()
    loaded_at = serializers.DateTimeField(allow_null=True)


class WorkdaysDeadlineApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="workdays_deadline",
        summary="计算届满日",
        description=(
            "返回起算日之后第 N 个工作日（起算日当日不计入，《民法典》第二百零一条；"
            "工作日按国务院节假日安排，含调休上班日，《行政许可法》第八十二条）。"
            "参数有误或年份未导入时返回 400。"
        ),
        parameters=[
            OpenApiParameter(
                "start",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=True,
                description="起算日（受理日），YYYY-MM-DD。",
            ),
            OpenApiParameter(
                "days",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                required=True,
                description=f"工作日天数，0 到 {MAX_DAYS}。",
            ),
            REGION_PARAM,
        ],
        responses={200: DeadlineOutput, 400: ERROR_RESPONSE},
        examples=[
            OpenApiExample(
                "春节跨越",
                value={
                    "start": "2026-02-10",
                    "days": 20,
                    "deadline": "2026-03-16",
                    "provisional": False,
                },
                response_only=True,
            )
        ],
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        start = _date_param(request, "start", "起算日")
        days = _days_param(request)
        region = region_code_normalise(request.query_params.get("region"))
        cal = calendar_get(region_code=region)
        deadline = cal.add_working_days(start, days, count_start_day=False)
        return Response(
            {
                "start": start.isoformat(),
                "days": days,
                "deadline": deadline.isoformat(),
                "provisional": cal.is_provisional(deadline),
            }
        )


class WorkdaysIsWorkingDayApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="workdays_is_working_day",
        summary="是否工作日",
        description="周一至周五除放假日外为工作日，调休上班的周末也是工作日。",
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=True,
                description="日期，YYYY-MM-DD。",
            ),
            REGION_PARAM,
        ],
        responses={200: WorkingDayOutput, 400: ERROR_RESPONSE},
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        day = _date_param(request, "date", "日期")
        region = region_code_normalise(request.query_params.get("region"))
        cal = calendar_get(region_code=region)
        working = cal.is_working_day(day)
        return Response(
            {
                "date": day.isoformat(),
                "working_day": working,
                "provisional": cal.is_provisional(day),
            }
        )


class WorkdaysBetweenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="workdays_between",
        summary="两日之间的工作日数",
        description="返回 (start, end] 内的工作日数；end 早于 start 时为负数。",
        parameters=[
            OpenApiParameter(
                "start", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=True
            ),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, OpenApiParameter.QUERY, required=True
            ),
            REGION_PARAM,
        ],
        responses={200: DaysBetweenOutput, 400: ERROR_RESPONSE},
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        start = _date_param(request, "start", "开始日期")
        end = _date_param(request, "end", "结束日期")
        region = region_code_normalise(request.query_params.get("region"))
        cal = calendar_get(region_code=region)
        count = cal.working_days_between(start, end)
        return Response(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "working_days": count,
                "provisional": cal.is_provisional(max(start, end)),
            }
        )


class WorkdaysYearListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="workdays_years",
        summary="已导入的年度",
        description=(
            "可以计算工作日的年份：已导入国务院节假日安排的年份（official），"
            "以及其后按《全国年节及纪念日放假办法》第二条推定的年份（provisional，"
            "不含调休与补假，通知公布导入后依法校正）。"
        ),
        responses={200: CalendarYearOutput(many=True)},
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        rows = [
            {
                "year": row.year,
                "status": YearStatus.OFFICIAL,
                "source": row.source,
                "source_notice": row.source_notice,
                "source_url": row.source_url,
                "loaded_at": row.loaded_at,
            }
            for row in calendar_year_list()
        ]
        rows += [
            {
                "year": year,
                "status": YearStatus.PROVISIONAL,
                "source": "statutory",
                "source_notice": PROVISIONAL_BASIS,
                "source_url": "",
                "loaded_at": None,
            }
            for year in sorted(calendar_get().provisional_years)
        ]
        return Response(CalendarYearOutput(rows, many=True).data)
