"""
Read the State Council holiday notice (放假通知) as text: pure Python, no ORM.

``parse_notice(text)`` takes the notice as plain text or as the saved HTML
page (gov.cn, a news site) and returns every day it sets: the rest days of
each break (weekends inside and, for 「与周末连休」, next to it included) and
the make-up working days (调休上班).  It reads the numbered lines 一、…七、
in every style used since 2008:

* ranges with 至 / 到 / — / – / ～ / -, 「放假」「放假调休」「放假公休」「调休放假」;
* 「共N天」 and 「放假N天」, checked against the range;
* 「与周末连休」, 「D补休」, 「不调休」, single days;
* cross-year ranges (「2018年12月30日至2019年1月1日」), make-up lines
  (「2月4日（星期日）、2月18日（星期日）上班」);
* the 2008 explanations 「其中，…为法定节假日，…照常公休，将…两个公休日调至…」;
* notes in brackets: the weekday (星期六 / 周六, checked against the date),
  lunar dates (「农历除夕、周二」), full- or half-width brackets.

Dates without a year belong to the notice's year; December dates of a line
that runs from December into January (or names the previous year) belong to
the previous year.  Anything that cannot be read raises ``NoticeParseError``
naming the line and the phrase: never a partial result.

中文：国务院放假通知解析
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from .notice_lines import (
    CHARS,
    NOTICE_UNREADABLE,
    LineReader,
    NoticeDay,
    NoticeParseError,
    festival_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from .calc import WorkCalendar
    from .services import DayEntry

__all__ = [
    "NOTICE_UNREADABLE",
    "NoticeChange",
    "NoticeDay",
    "NoticeLine",
    "NoticeParseError",
    "ParsedNotice",
    "notice_changes",
    "notice_day_entries",
    "notice_text_extract",
    "parse_notice",
]


@dataclass(frozen=True)
class NoticeLine:
    """One numbered line of the notice and the days it sets."""

    number: int
    festival: str
    text: str
    days: tuple[NoticeDay, ...]


@dataclass(frozen=True)
class ParsedNotice:
    """The days of one yearly notice, sorted by date."""

    year: int
    title: str
    days: list[NoticeDay]
    lines: list[NoticeLine] = field(default_factory=list)

    def is_working_day(self, d: date) -> bool:
        """Return whether ``d`` is a working day according to the notice."""
        for day in self.days:
            if day.date == d:
                return not day.off_day
        return d.weekday() < 5

    def as_json(self) -> list[dict[str, Any]]:
        """Return ``[{"date": "YYYY-MM-DD", "off_day": bool}, …]``."""
        return [{"date": d.date.isoformat(), "off_day": d.off_day} for d in self.days]


@dataclass(frozen=True)
class NoticeChange:
    """A date whose working/rest status the notice changes."""

    date: date
    before: bool | None  # working now (None: the year is not in the calendar)
    after: bool  # working according to the notice
    provisional: bool  # the current status is provisional (推定)
    name: str  # festival of the notice day, "" for an ordinary day


# -- text: HTML, characters, lines --------------------------------------------

_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "td", "th", "title", "tr", "ul",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "object"}
_HTML_RE = re.compile(r"<\s*(?:!doctype|html|body|head|p|br|div|span|meta)\b", re.I)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def notice_text_extract(text: str) -> list[str]:
    """
    Return the lines of a notice given as plain text or as an HTML page.

    HTML loses its tags, scripts and styles, entities are decoded, and each
    paragraph or ``<br>`` becomes a line; empty lines are dropped then (line
    numbers count the lines that remain).  Plain text keeps its lines.

    中文：提取通知文本
    """
    text = text.lstrip("\ufeff")
    if _HTML_RE.search(text):
        extractor = _TextExtractor()
        extractor.feed(text)
        extractor.close()
        lines = "".join(extractor.parts).split("\n")
        return [line.strip() for line in lines if line.strip()]
    return text.splitlines()


_TITLE_RE = re.compile(r"(?:国务院办公厅)?关于(\d{4})年部分节假日安排的通知")
_NUMBERED_RE = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.]\s*")
_HEADING_RE = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.]\s*([^:]{1,24}?)\s*:")
_DATE_HINT_RE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")


# -- the whole notice ------------------------------------------------------------


def _find_year(lines: list[str], year: int | None) -> tuple[int, str]:
    found: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines, start=1):
        compact = re.sub(r"\s+", "", line.translate(CHARS))
        for m in _TITLE_RE.finditer(compact):
            title = f"国务院办公厅关于{m.group(1)}年部分节假日安排的通知"
            found.append((int(m.group(1)), number, title))
    if year is None:
        if not found:
            raise NoticeParseError(
                "找不到通知的年份：请保留标题“国务院办公厅关于××××年部分节假日安排的通知”，"
                "或指定年份。"
            )
        return found[0][0], found[0][2]
    for y, _number, title in found:
        if y == year:
            return year, title
    if found:
        y, number, _title = found[0]
        raise NoticeParseError(
            f"第 {number} 行的通知标题是 {y} 年，与指定的 {year} 年不一致。",
            line=number,
            text=lines[number - 1].strip(),
        )
    return year, ""


def parse_notice(text: str, *, year: int | None = None) -> ParsedNotice:
    """
    Return every day the holiday notice sets, or raise ``NoticeParseError``.

    ``year`` is needed only when the text lacks the notice's title.

    中文：解析放假通知
    """
    lines = notice_text_extract(text or "")
    if not any(line.strip() for line in lines):
        raise NoticeParseError("通知文本为空。")
    year, title = _find_year(lines, year)
    if not 2000 <= year <= 2200:
        raise NoticeParseError(f"年份 {year} 不在 2000 至 2200 之间。")
    readers: list[LineReader] = []
    for index, line in enumerate(lines):
        norm = line.translate(CHARS)
        if not _NUMBERED_RE.match(norm):
            continue
        heading = _HEADING_RE.match(norm)
        festival = festival_of(heading.group(1)) if heading else ""
        if not festival:
            if _DATE_HINT_RE.search(norm):
                reader = LineReader(index + 1, line.strip(), year, "")
                raise reader.fail(
                    reader.text[:24], "无法识别节日名称（应为“一、元旦：……”）"
                )
            continue  # a numbered line that sets no day (e.g. duties at holidays)
        body_at = heading.end()  # type: ignore[union-attr]
        text_of_line = line
        if not norm[body_at:].strip() and index + 1 < len(lines):
            text_of_line = line + lines[index + 1]  # heading alone, body below
        reader = LineReader(index + 1, text_of_line.strip(), year, festival)
        reader.tokenize(body_at - (len(line) - len(line.lstrip())))
        reader.resolve()
        reader.read()
        readers.append(reader)
    if not readers:
        raise NoticeParseError("没有找到编号的放假安排（应有“一、元旦：……”这样的行）。")
    off: dict[date, NoticeDay] = {}
    makeup: dict[date, NoticeDay] = {}
    for reader in readers:
        for day in reader.days():
            if day.off_day:
                off.setdefault(day.date, day)
            else:
                makeup.setdefault(day.date, day)
    for day in makeup.values():
        if day.date in off:
            reader = next(r for r in readers if r.number == day.line)
            raise reader.fail(
                reader.makeup[day.date],
                f"{day.date.month}月{day.date.day}日既是放假日又是上班日"
                f"（第 {off[day.date].line} 行）",
            )
    parsed_lines = [
        NoticeLine(r.number, r.festival, r.text, tuple(r.days())) for r in readers
    ]
    days = sorted([*off.values(), *makeup.values()], key=lambda d: d.date)
    return ParsedNotice(year=year, title=title, days=days, lines=parsed_lines)


def notice_day_entries(
    notice: ParsedNotice, *, year: int | None = None
) -> list[DayEntry]:
    """
    Return the loader's ``DayEntry`` list of one year (default: the notice's).

    Rest days become ``holiday`` named after the festival, the others
    ``makeup_workday`` named “<festival>调休上班”.

    中文：通知转为日历条目
    """
    from .constants import DayKind
    from .services import DayEntry

    wanted = notice.year if year is None else year
    return [
        DayEntry(
            d.date,
            DayKind.HOLIDAY if d.off_day else DayKind.MAKEUP_WORKDAY,
            d.name if d.off_day else f"{d.name}调休上班",
        )
        for d in notice.days
        if d.date.year == wanted
    ]


def notice_changes(notice: ParsedNotice, calendar: WorkCalendar) -> list[NoticeChange]:
    """
    Return every date whose working/rest status differs from ``calendar``.

    Covers the whole notice year and the notice's days outside it (previous
    December).  ``before`` is None where the calendar has no such year.

    中文：通知与现有日历的差异
    """
    days = {d.date: d for d in notice.days}
    first = date(notice.year, 1, 1)
    dates = [
        first + timedelta(i)
        for i in range((date(notice.year, 12, 31) - first).days + 1)
    ]
    dates = sorted({*dates, *days})
    changes = []
    for d in dates:
        after = not days[d].off_day if d in days else d.weekday() < 5
        before = calendar.is_working_day(d) if calendar.covers(d) else None
        if before != after:
            provisional = bool(getattr(calendar, "is_provisional", lambda _d: False)(d))
            name = days[d].name if d in days else ""
            changes.append(NoticeChange(d, before, after, provisional, name))
    return changes
