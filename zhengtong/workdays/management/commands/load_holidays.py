"""
Load one year of holidays and make-up working days.

    manage.py load_holidays --year 2027 --notice notice-2027.txt --dry-run
    manage.py load_holidays --year 2027 --notice notice-2027.html --url https://…
    manage.py load_holidays --year 2019 --notice 2019.txt --dry-run --json
    manage.py load_holidays --year 2027                 # from chinesecalendar
    manage.py load_holidays --year 2026 --source official
    manage.py load_holidays --year 2027 --file notice-2027.json
    manage.py load_holidays --year 2026 --region 650000 --file xinjiang-2026.json

``--notice FILE`` reads the State Council notice itself (plain text or the
saved HTML page, ``-`` for standard input) and loads the year as official
(source ``notice``); days it sets in the previous December are set too when
that year is loaded.  ``--dry-run --json`` prints only the JSON list
``[{"date": "YYYY-MM-DD", "off_day": true|false}, …]`` of every day the
notice sets and touches nothing (any year since 2008, loaded or not).  A text
that cannot be read exits non-zero naming the line and the phrase.

Idempotent: running it twice changes nothing the second time.  National
loads are compared day by day with the ``holidays`` package and every
disagreement is reported (``--strict`` refuses to load then).
"""

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengtong.core.errors import ApplicationError
from zhengtong.workdays.constants import YearSource, YearStatus
from zhengtong.workdays.notice import NoticeParseError, ParsedNotice, parse_notice
from zhengtong.workdays.notice_load import (
    EARLIER_LABELS,
    NoticeLoadResult,
    notice_change_labels,
    notice_compare,
    notice_gap_warning,
    notice_line_summary,
    notice_year_load,
    weekday_label,
)
from zhengtong.workdays.services import DayEntry, YearLoadResult, calendar_year_load

ACTOR = "manage.py load_holidays"


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


def _read_notice(path: str) -> str:
    """Return the notice text: UTF-8, or GB18030 as older gov.cn pages are."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取通知文件 {path}：{exc.strerror or exc}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"通知文件 {path} 既不是 UTF-8 也不是 GB18030 编码。")


class Command(BaseCommand):
    help = (
        "导入一年的节假日与调休上班日：--notice 读国务院通知原文（文本或网页），"
        "否则来自 chinesecalendar 程序包、随代码发布的通知或 JSON 文件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年份，如 2027")
        parser.add_argument(
            "--notice",
            default="",
            metavar="FILE",
            help="国务院放假通知原文：纯文本或另存的网页（- 表示标准输入）",
        )
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
        parser.add_argument("--title", default="", help="依据通知的名称和文号")
        parser.add_argument("--url", default="", help="通知链接")
        parser.add_argument(
            "--dry-run", action="store_true", help="只显示将做的改动，不写入"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="只输出通知设定的日期（JSON：date、off_day），用于 --notice",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="与 holidays 程序包不一致时拒绝导入",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["notice"]:
            self.handle_notice(options)
            return
        if options["json"]:
            raise CommandError("--json 只用于 --notice。")
        year: int = options["year"]
        region: str = options["region"]
        source: str = options["source"]
        title: str = options["title"]
        url: str = options["url"]
        days = None
        if options["file"]:
            days, data = _read_file(options["file"], year)
            source = YearSource.FILE
            title = title or str(data.get("source_notice", ""))
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
                source_notice=title,
                source_url=url,
                actor=ACTOR,
                dry_run=True,
                check_holidays_package=not region,
            )
            self.report_disagreements(result, strict=options["strict"])
            if not options["dry_run"]:
                result = calendar_year_load(
                    year=year,
                    source=source,
                    days=days,
                    region_code=region or None,
                    source_notice=title,
                    source_url=url,
                    actor=ACTOR,
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.report_year(result, dry_run=options["dry_run"])

    # -- the notice text -----------------------------------------------

    def handle_notice(self, options: dict[str, Any]) -> None:
        if options["file"] or options["region"]:
            raise CommandError(
                "--notice 是全国的国务院通知，不能与 --file 或 --region 同用。"
            )
        try:
            notice = parse_notice(_read_notice(options["notice"]), year=options["year"])
        except NoticeParseError as exc:
            raise CommandError(exc.message) from exc
        dry_run: bool = options["dry_run"]
        if dry_run and options["json"]:
            self.stdout.write(json.dumps(notice.as_json(), ensure_ascii=False))
            return
        gap = notice_gap_warning(notice)
        if gap:
            self.stderr.write(self.style.WARNING(f"注意：{gap}"))
        try:
            result = notice_year_load(
                notice,
                source_url=options["url"],
                source_notice=options["title"],
                actor=ACTOR,
                dry_run=True,
                check_holidays_package=True,
            )
            self.report_disagreements(result.year, strict=options["strict"])
            if not dry_run:
                result = notice_year_load(
                    notice,
                    source_url=options["url"],
                    source_notice=options["title"],
                    actor=ACTOR,
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(notice.as_json(), ensure_ascii=False))
            return
        if dry_run:
            self.report_comparison(notice)
        self.report_notice(result)

    def report_comparison(self, notice: ParsedNotice) -> None:
        """Print the notice line by line and every date it changes."""
        self.stdout.write(f"{notice.title or notice.year}：")
        for line in notice.lines:
            self.stdout.write(f"  第 {line.number} 行  {notice_line_summary(line)}")
        status, changes = notice_compare(notice)
        label = YearStatus(status).label if status in YearStatus.values else status
        self.stdout.write(
            f"{notice.year} 年现有日历：{label}。按通知将改变工作日属性的日期 "
            f"{len(changes)} 个（现在 → 通知）："
        )
        for change in changes:
            before, after = notice_change_labels(change)
            self.stdout.write(
                f"  {change.date:%Y-%m-%d} {weekday_label(change.date)}："
                f"{before} → {after}"
            )

    def report_notice(self, result: NoticeLoadResult) -> None:
        self.report_year(result.year, dry_run=result.dry_run)
        for day, action in result.earlier:
            what = "放假" if day.off_day else "调休上班"
            self.stdout.write(
                f"  上一年 {day.date:%Y-%m-%d} {what}（{day.name}）："
                f"{EARLIER_LABELS[action]}"
            )
        if result.recompute is not None:
            self.stdout.write(f"期限校正：{result.recompute}")

    # -- shared --------------------------------------------------------

    def report_disagreements(self, result: YearLoadResult, *, strict: bool) -> None:
        for line in result.disagreements:
            self.stderr.write(self.style.WARNING(f"与 holidays 程序包不一致：{line}"))
        if result.disagreements and strict:
            raise CommandError("与 holidays 程序包不一致，按 --strict 未导入。")

    def report_year(self, result: YearLoadResult, *, dry_run: bool) -> None:
        where = result.region_code or "全国"
        prefix = "［试运行，未写入］" if dry_run else ""
        for label, entries in (
            ("新增", result.created),
            ("修改", result.updated),
            ("删除", result.removed),
        ):
            for e in entries:
                self.stdout.write(f"  {label} {e.date:%Y-%m-%d} {e.kind} {e.name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{result.year} 年（{where}，来源 {result.source}）："
                f"新增 {len(result.created)}，修改 {len(result.updated)}，"
                f"删除 {len(result.removed)}，未变 {result.unchanged}"
                + ("，登记年度" if result.year_created else "")
                + "。"
            )
        )
