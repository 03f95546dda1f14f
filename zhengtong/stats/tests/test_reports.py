"""
The efficiency report (效能通报): PDF read back as text, Excel sheets, the
command, the archive and who may download what.
"""

import io
from datetime import datetime

from django.core.management import CommandError, call_command

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from zhengtong.stats.models_assessment import StatsReport

from .assessment_world import AssessmentWorld, moment

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-05-15

URL = "/workbench/stats/reports/"


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def aw(db, settings, tmp_path) -> AssessmentWorld:
    settings.MEDIA_ROOT = tmp_path
    w = AssessmentWorld()
    w.april()
    return w


def pdf_text(report: StatsReport) -> str:
    with report.pdf.open("rb") as f:
        reader = PdfReader(io.BytesIO(f.read()))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_monthly_report_by_command_reads_back_as_text(aw):
    out = io.StringIO()
    call_command("stats_report", "--month", "2026-04", stdout=out)
    assert "2026-04" in out.getvalue()
    report = StatsReport.objects.get()
    text = pdf_text(report)
    assert "2026年4月效能通报" in text
    assert "区行政审批局" in text
    assert "按时办结率" in text
    assert "红旗窗口" in text and "服务明星" in text
    assert "1号窗口" in text and "外部门" in text
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    assert {"概况", "各部门", "趋势", "窗口考核", "人员考核"} <= set(book.sheetnames)
    staff = [[c.value for c in row] for row in book["人员考核"].iter_rows()]
    assert staff[1][3] in ("孙备岗", "赵审批") and staff[1][5] == 100.0


def test_quarterly_report_covers_three_months(aw):
    call_command("stats_report", "--quarter", "2026-Q2")
    report = StatsReport.objects.get()
    assert (report.start.isoformat(), report.end.isoformat()) == (
        "2026-04-01",
        "2026-06-30",
    )
    assert [a["month"] for a in report.figures["assessments"]] == ["2026-04", "2026-05"]
    text = pdf_text(report)
    assert "2026年第2季度效能通报" in text
    # May is between 红旗窗口 elections: the title is not "无" that month
    may = text.split("2026-05", 1)[1]
    assert may.split("；", 1)[0].endswith("红旗窗口本月不评比")


@pytest.mark.parametrize(
    "args",
    [
        ["--month", "2026-13"],
        ["--month", "2026-07"],
        ["--quarter", "2026-Q5"],
        ["--quarter", "2027-Q1"],
        ["--month", "2026-04", "--quarter", "2026-Q2"],
        [],
    ],
)
def test_bad_periods_are_refused_with_a_message(aw, args):
    with pytest.raises(CommandError):
        call_command("stats_report", *args)
    assert not StatsReport.objects.exists()


def test_archive_scope_and_downloads(client, aw):
    client.force_login(aw.supervisor)
    r = client.post(URL, {"kind": "month", "period": "2026-04"})
    assert r.status_code == 302
    centre = StatsReport.objects.get()
    assert centre.department_id is None and centre.generated_by == aw.supervisor
    assert client.get(f"{URL}{centre.pk}/pdf/").status_code == 200

    client.force_login(aw.head)  # a head's report is of their department
    client.post(URL, {"kind": "quarter", "period": "2026-Q2", "department": ""})
    own = StatsReport.objects.exclude(pk=centre.pk).get()
    assert own.department_id == aw.dept.pk
    html = client.get(URL).content.decode()
    assert 'data-label="期间">2026-Q2' in html
    assert 'data-label="期间">2026-04' not in html
    assert client.get(f"{URL}{centre.pk}/pdf/").status_code == 404
    xlsx = client.get(f"{URL}{own.pk}/xlsx/")
    assert xlsx.status_code == 200
    assert client.get(f"{URL}{own.pk}/exe/").status_code == 404

    client.force_login(aw.counter)  # staff: own department's archive, no generating
    assert client.post(URL, {"kind": "month", "period": "2026-04"}).status_code == 302
    assert StatsReport.objects.count() == 2
    client.force_login(aw.applicant)
    assert client.get(f"{URL}{own.pk}/pdf/").status_code == 403
