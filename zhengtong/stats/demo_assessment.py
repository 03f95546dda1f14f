"""
Demo data of the monthly assessment: the last two finished months signed
off (the later even month elects 红旗窗口), two entries with evidence, and
last month's 效能通报 archived.  Idempotent: what exists is left alone.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models_assessment import AssessmentMonth, DisciplineEntry, StatsReport
from .services.assessment_month import assessment_sign_off, points_entry_create
from .services.reports import period_parse, report_generate


def _month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def seed(*, stdout: Any) -> None:
    """Sign off the last two months and archive last month's report (demo)."""
    users = get_user_model().objects
    admin = users.filter(username="admin").first()
    supervisor = users.filter(username="supervisor").first()
    counter = users.filter(username="counter").first()
    if admin is None or supervisor is None:
        stdout.write("月度考核：缺少 admin 或 supervisor 账号，跳过。\n")
        return
    last = _month_before(timezone.localdate().replace(day=1))
    before = _month_before(last)
    if counter is not None and not DisciplineEntry.objects.filter(month=last).exists():
        points_entry_create(
            actor=supervisor,
            month=last,
            category="discipline",
            points="-1",
            evidence_text="考勤记录：当月迟到 2 次（指纹考勤导出表）",
            person=counter,
        )
        points_entry_create(
            actor=supervisor,
            month=last,
            category="service",
            points="2",
            evidence_text="群众来信表扬耐心细致（表扬信扫描件）",
            person=counter,
        )
    signed = []
    for month in (before, last):  # the earlier first: the later reads it
        if not AssessmentMonth.objects.filter(month=month, region_code="").exists():
            assessment_sign_off(month=month, actor=admin)
            signed.append(f"{month:%Y-%m}")
    period = f"{last:%Y-%m}"
    if not StatsReport.objects.filter(period=period, department__isnull=True).exists():
        kind, period, start, end = period_parse(month=period)
        report_generate(
            kind=kind, period=period, start=start, end=end, actor=supervisor
        )
    stdout.write(
        "月度考核：签发 "
        + ("、".join(signed) or "（已签发）")
        + f"，归档 {period} 效能通报\n"
    )
