"""
Load one year of holidays and make-up working days.

    manage.py load_holidays --year 2027                 # from chinesecalendar
    manage.py load_holidays --year 2026 --source official
    manage.py load_holidays --year 2027 --file notice-2027.json
    manage.py load_holidays --year 2026 --region 650000 --file xinjiang-2026.json
    manage.py load_holidays --year 2027 --dry-run

Idempotent: running it twice changes nothing the second time.  National
loads are compared day by day with the ``holidays`` package and every
disagreement is reported (``--strict`` refuses to load then).
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengtong.core.errors import ApplicationError
from zhengtong.workdays.constants import YearSource
from zhengtong.workdays.services import DayEntry, calendar_year_load


def _read_file(path: str, year: int) -> tuple[list[DayEntry], dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法读取 JSON 文件 {path}：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise CommandError('JSON 文件应为对象，且含 "days" 列表。')
    if "year" in data and data["year"] != year:
        raise CommandError(f"文件中的年份 {data['year']} 与 --year {year} 不一致。")
    entries = []
    for i, item in enumerate(data["days"], start=1):
        try:
            entries.append(
                DayEntry(
                    date=date.fromisoformat(str(item["date"])),
                    kind=str(item["kind"]),
                    name=str(item.get("name", "")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(
                f'第 {i} 条有误：需要 "date"（YYYY-MM-DD）和 "kind"。'
            ) from exc
    return entries, data


class Command(BaseCommand):
    help = "导入一年的节假日与调休上班日（默认来自 chinesecalendar 程序包）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年份，如 2027")
        parser.add_argument(
            "--region", default="", help="区划代码（6 或 12 位），导入地方调整"
        )
        parser.add_argument(
            "--source",
            choices=[YearSource.CHINESECALENDAR, YearSource.OFFICIAL],
            default=YearSource.CHINESECALENDAR,
            help="数据来源：chinesecalendar 程序包，或随代码发布的通知（official）",
        )
        parser.add_argument("--file", default="", help="从 JSON 文件导入")
        parser.add_argument("--notice", default="", help="依据通知的名称和文号")
        parser.add_argument("--url", default="", help="通知链接")
        parser.add_argument(
            "--dry-run", action="store_true", help="只显示将做的改动，不写入"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="与 holidays 程序包不一致时拒绝导入",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        region: str = options["region"]
        source: str = options["source"]
        notice: str = options["notice"]
        url: str = options["url"]
        days = None
        if options["file"]:
            days, data = _read_file(options["file"], year)
            source = YearSource.FILE
            notice = notice or str(data.get("source_notice", ""))
            url = url or str(data.get("source_url", ""))
            region = region or str(data.get("region_code", ""))
        elif region:
            raise CommandError(
                "地方调整请用 --file 提供 JSON 文件（程序包只有全国安排）。"
            )
        try:
            result = calendar_year_load(
                year=year,
                source=source,
                days=days,
                region_code=region or None,
                source_notice=notice,
                source_url=url,
                actor="manage.py load_holidays",
                dry_run=True,
                check_holidays_package=not region,
            )
            for line in result.disagreements:
                self.stderr.write(
                    self.style.WARNING(f"与 holidays 程序包不一致：{line}")
                )
            if result.disagreements and options["strict"]:
                raise CommandError("与 holidays 程序包不一致，按 --strict 未导入。")
            if not options["dry_run"]:
                result = calendar_year_load(
                    year=year,
                    source=source,
                    days=days,
                    region_code=region or None,
                    source_notice=notice,
                    source_url=url,
                    actor="manage.py load_holidays",
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        where = result.region_code or "全国"
        prefix = "［试运行，未写入］" if options["dry_run"] else ""
        for label, entries in (
            ("新增", result.created),
            ("修改", result.updated),
            ("删除", result.removed),
        ):
            for e in entries:
                self.stdout.write(f"  {label} {e.date:%Y-%m-%d} {e.kind} {e.name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{year} 年（{where}，来源 {source}）："
                f"新增 {len(result.created)}，修改 {len(result.updated)}，"
                f"删除 {len(result.removed)}，未变 {result.unchanged}"
                + ("，登记年度" if result.year_created else "")
                + "。"
            )
        )
