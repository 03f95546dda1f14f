"""
Generate and archive an efficiency report (效能通报): PDF and Excel.

    manage.py stats_report --month 2026-05
    manage.py stats_report --quarter 2026-Q2 [--department ID]

Runs as the system (no actor); the report is archived like one generated
from the page and listed there.  Bad input exits non-zero with the message.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengtong.core.errors import ApplicationError
from zhengtong.stats.services.reports import period_parse, report_generate


class Command(BaseCommand):
    help = "生成并归档月度或季度效能通报（PDF 和 Excel）。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月份 YYYY-MM")
        parser.add_argument("--quarter", help="季度 YYYY-Qn")
        parser.add_argument("--department", type=int, help="部门编号（缺省：全中心）")

    def handle(self, *args, **options):
        try:
            kind, period, start, end = period_parse(
                month=options.get("month"), quarter=options.get("quarter")
            )
            report = report_generate(
                kind=kind,
                period=period,
                start=start,
                end=end,
                department_id=options.get("department"),
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"已生成 {period} 效能通报（编号 {report.pk}）：{report.pdf.name}，{report.xlsx.name}"
        )
