"""manage.py supervision_bulletin: generate and archive a monthly bulletin (督查通报)."""

import json
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhengtong.core.errors import ApplicationError
from zhengtong.supervision.services.bulletin import bulletin_generate, month_parse


class Command(BaseCommand):
    help = "生成并归档督查通报（PDF 与数据），输出 JSON 摘要。缺省为上一个月、全中心。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--month", help="月份，格式 YYYY-MM（缺省：上一个月）", default=""
        )
        parser.add_argument("--region", help="区划代码（缺省：全中心）", default="")

    def handle(self, *args, month: str = "", region: str = "", **options) -> None:
        if not month:
            last = timezone.localdate().replace(day=1) - timedelta(days=1)
            month = f"{last:%Y-%m}"
        region = region.strip()
        if region and (not region.isdigit() or len(region) > 12):
            raise CommandError("区划代码须为不超过 12 位的数字。")
        try:
            bulletin = bulletin_generate(month=month_parse(month), region_code=region)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        summary = {
            "id": bulletin.pk,
            "month": bulletin.figures["month"],
            "region": region,
            "pdf": bulletin.pdf.name,
            **bulletin.figures["totals"],
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
