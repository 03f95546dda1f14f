"""
Read one numbered line of the holiday notice: the grammar of its phrases.

``LineReader`` turns a line such as 「二、春节：2月10日至17日放假调休，共8天。
2月4日（星期日）、2月18日（星期日）上班。」 into rest days and make-up days.
The line is reduced to a *shape*: each date with its bracket note becomes
one placeholder character, then clauses (range, 共N天, 与周末连休, 补休, 上班,
the 2008 explanations…) are matched one after another; the first phrase no
clause reads is the error.  ``parse_notice`` in ``notice.py`` is the entry
point.

中文：放假通知逐行解析
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from zhengtong.core.errors import ApplicationError

NOTICE_UNREADABLE = "notice_unreadable"
WEEKDAYS = "一二三四五六日"


class NoticeParseError(ApplicationError):
    """
    Raise when a notice text cannot be read completely.

    ``line`` is the line number (1-based; 0 when the text as a whole is at
    fault), ``text`` that line and ``phrase`` the part that was not read.

    中文：放假通知无法识别
    """

    def __init__(
        self, message: str, *, line: int = 0, text: str = "", phrase: str = ""
    ) -> None:
        super().__init__(
            NOTICE_UNREADABLE,
            message,
            status=400,
            details={"line": line, "text": text, "phrase": phrase},
        )
        self.line, self.text, self.phrase = line, text, phrase


@dataclass(frozen=True)
class NoticeDay:
    """One day the notice sets: a rest day, or (``off_day`` False) 调休上班."""

    date: date
    off_day: bool
    name: str  # the festival of its line: 春节, 国庆节、中秋节 …
    line: int = 0


# One character for one: positions in the normalised line are positions in
# the original, so a phrase can be quoted as written.
CHARS = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "（": "(", "）": ")", "﹙": "(", "﹚": ")", "：": ":", "﹕": ":",
        "，": ",", "﹐": ",", "；": ";", "．": ".", "\u3000": " ", "\xa0": " ",
        "\u200b": " ", "\t": " ", "—": "-", "–": "-", "―": "-", "‐": "-",
        "‑": "-", "‒": "-", "－": "-", "~": "-", "～": "-", "〜": "-", "⁓": "-",
    }
)  # fmt: skip


FESTIVALS = (
    ("元旦", "元旦"),
    ("春节", "春节"),
    ("清明", "清明节"),
    ("劳动节", "劳动节"),
    ("五一", "劳动节"),
    ("端午", "端午节"),
    ("中秋", "中秋节"),
    ("国庆", "国庆节"),
    ("十一", "国庆节"),
)

# -- one line ------------------------------------------------------------------

D, N = "\ue000", "\ue001"  # a date (with its bracket note), a bracket elsewhere
_TOKEN_RE = re.compile(
    r"(?P<date>(?:(?P<y>\d{4})\s*年\s*)?(?:(?P<m>\d{1,2})\s*月\s*)?(?P<d>\d{1,2})\s*[日号])"
    r"|(?P<note>\([^()]*\))|(?P<space>\s+)"
)
_NOTE_AFTER_RE = re.compile(r"\s*(\([^()]*\))")
_NUM = r"(?P<n>\d+|[一二两三四五六七八九十]+)"
_LIST = rf"{D}(?:[、和及]{D})*"
_OFF = r"(?:放假调休|调休放假|放假公休|放假|休假|休息)"
_WORDS = rf"[^{D}{N},;。]"
_CLAUSES = {
    "prefix": r"其中[:,]?",
    "range": rf"(?P<a>{D})(?:至|到|-+)(?P<b>{D}){_OFF}(?:{_NUM}天)?",
    "single": rf"(?P<a>{_LIST}){_OFF}(?:{_NUM}天)?",
    "count": rf"共{_NUM}天",
    "weekend": r"与(?:周末|双休日)连休",
    "no_shift": r"不调休|不补休",
    "in_lieu": rf"(?P<a>{_LIST})补休",
    "makeup": rf"(?P<a>{_LIST})(?:照常)?上班",
    "legal": rf"(?P<a>{_LIST}),?为{_WORDS}{{0,8}}?法定(?:节)?假日",
    "rest": rf"(?P<a>{_LIST}),?(?:为公休日|照常公休|公休)",
    "moved": rf"将?(?P<src>{_LIST})(?:[两二三四五六七八九十]个)?公休日"
    rf"(?:及{_WORDS}{{1,8}}?)?(?:分别)?调至(?P<dst>{_LIST})",
    "encourage": r"鼓励[^。]*",
}
_CLAUSE_RES = {name: re.compile(p) for name, p in _CLAUSES.items()}
_SEPARATORS = ",;。"
_WEEKDAY_RE = re.compile(r"^(?:星期|礼拜|周)(.)$")
_LUNAR_WORDS = ("农历", "除夕", "初", "正月", "腊", "节", "新年", "十五", "廿", "三十")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    tens, _, ones = text.partition("十")
    if "十" in text:
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


@dataclass
class _DateToken:
    start: int
    end: int  # end of the date and its note
    y: int | None
    m: int | None
    d: int
    note: str = ""
    value: date | None = None


class LineReader:
    """Read the days of one numbered line."""

    def __init__(self, number: int, text: str, year: int, festival: str) -> None:
        self.number, self.text, self.year, self.festival = number, text, year, festival
        self.norm = text.translate(CHARS)
        self.shape: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.tokens: list[_DateToken] = []
        self.token_at: dict[int, int] = {}
        self.off: dict[date, str] = {}
        self.makeup: dict[date, str] = {}
        self.block: list[date] = []  # the last range or single day off
        self.breaks: set[date] = set()
        self.explained: list[tuple[date, str]] = []

    def fail(self, phrase: str, reason: str = "") -> NoticeParseError:
        where = f"第 {self.number} 行“{self.text}”中"
        message = (
            f"{where}“{phrase}”：{reason}" if reason else f"{where}无法识别：“{phrase}”"
        )
        return NoticeParseError(
            message, line=self.number, text=self.text, phrase=phrase
        )

    def phrase(self, start: int, end: int) -> str:
        """Return the original text of shape positions ``[start, end)``."""
        return self.text[self.spans[start][0] : self.spans[end - 1][1]].strip()

    def tokenize(self, offset: int) -> None:
        """Reduce the line from ``offset`` on to its shape (see the docstring)."""
        pos, text = offset, self.norm
        while pos < len(text):
            m = _TOKEN_RE.match(text, pos)
            if m is None:
                self.shape.append(text[pos])
                self.spans.append((pos, pos + 1))
                pos += 1
            elif m.group("date"):
                token = _DateToken(
                    pos,
                    m.end(),
                    int(m["y"]) if m["y"] else None,
                    int(m["m"]) if m["m"] else None,
                    int(m["d"]),
                )
                note = _NOTE_AFTER_RE.match(text, m.end())
                if note:
                    token.note, token.end = note.group(1)[1:-1], note.end()
                self.token_at[len(self.shape)] = len(self.tokens)
                self.tokens.append(token)
                self.shape.append(D)
                self.spans.append((token.start, token.end))
                pos = token.end
            elif m.group("note"):
                self.shape.append(N)
                self.spans.append((pos, m.end()))
                pos = m.end()
            else:
                pos = m.end()

    def resolve(self) -> None:
        """Give every date token its year, month and check its note."""
        y = self.year
        no_year = [t for t in self.tokens if t.y is None]
        previous_year = any(t.y == y - 1 for t in self.tokens) or (
            any(t.m == 12 for t in no_year) and any(t.m == 1 for t in self.tokens)
        )
        last: date | None = None
        for token in self.tokens:
            phrase = self.text[token.start : token.end]
            if token.m is None:
                if last is None or token.y is not None:
                    raise self.fail(phrase, "无法确定是哪一月")
                year, month = last.year, last.month
            else:
                month = token.m
                year = token.y or (y - 1 if month == 12 and previous_year else y)
            try:
                token.value = last = date(year, month, token.d)
            except ValueError:
                raise self.fail(phrase, "日期不存在") from None
            if not (date(y - 1, 12, 1) <= last <= date(y, 12, 31)):
                raise self.fail(phrase, f"不属于 {y} 年的通知")
            if token.note:
                self.check_note(token.note, last, phrase)

    def check_note(self, note: str, day: date, phrase: str) -> None:
        """Check a bracket after a date: its weekday, or a lunar note."""
        for item in re.split(r"[、,]", note):
            item = item.strip()
            weekday = _WEEKDAY_RE.match(item)
            if item.startswith(("星期", "礼拜", "周")):
                stated = weekday.group(1).replace("天", "日") if weekday else ""
                if not stated or stated not in WEEKDAYS:
                    raise self.fail(phrase, f"无法识别星期“{item}”")
                actual = WEEKDAYS[day.weekday()]
                if stated != actual:
                    raise self.fail(
                        phrase,
                        f"{day.month}月{day.day}日是星期{actual}，不是星期{stated}",
                    )
            elif not (
                re.fullmatch(r"[\u4e00-\u9fff]{1,16}", item)
                and any(word in item for word in _LUNAR_WORDS)
            ):
                raise self.fail(phrase, f"无法识别括号中的“{item}”")

    def dates(self, m: re.Match[str], group: str) -> list[date]:
        return [
            self.tokens[self.token_at[i]].value  # type: ignore[misc]
            for i in range(m.start(group), m.end(group))
            if i in self.token_at
        ]

    def read(self) -> None:
        """Match clause after clause; the first phrase none reads is the error."""
        shape = "".join(self.shape)
        pos = 0
        while pos < len(shape):
            if shape[pos] in _SEPARATORS:
                pos += 1
                continue
            best: tuple[str, re.Match[str]] | None = None
            for name, regex in _CLAUSE_RES.items():
                m = regex.match(shape, pos)
                if m and m.end() > pos and (best is None or m.end() > best[1].end()):
                    best = (name, m)
            if best is None:
                end = pos
                while end < len(shape) and shape[end] not in _SEPARATORS:
                    end += 1
                raise self.fail(self.phrase(pos, end))
            self.apply(*best, phrase=self.phrase(pos, best[1].end()))
            pos = best[1].end()
        self.finish()

    def add_off(self, days: list[date]) -> None:
        for day in days:
            self.off.setdefault(day, self.festival)
            self.breaks.add(day)

    def apply(self, name: str, m: re.Match[str], *, phrase: str) -> None:
        """Record what one clause says."""
        if name == "range":
            first, last = self.dates(m, "a")[0], self.dates(m, "b")[0]
            if last < first:
                raise self.fail(phrase, "结束日期早于开始日期")
            if (last - first).days > 31:
                raise self.fail(phrase, "放假日期范围超过一个月")
            self.block = [first + timedelta(i) for i in range((last - first).days + 1)]
            self.add_off(self.block)
        elif name == "single":
            self.block = self.dates(m, "a")
            self.add_off(self.block)
        if m.groupdict().get("n"):  # 「共N天」 or 「放假N天」
            self.check_count(_cn_number(m["n"]), phrase)
        if name == "weekend":
            self.extend_weekend(phrase)
        elif name == "in_lieu":
            self.in_lieu(self.dates(m, "a"))
        elif name == "makeup":
            for day in self.dates(m, "a"):
                if day.weekday() < 5:
                    raise self.fail(
                        phrase, f"{day.month}月{day.day}日是周一至周五，本来就上班"
                    )
                self.makeup[day] = phrase
        elif name in ("legal", "rest"):
            for day in self.dates(m, "a"):
                if name == "rest" and day.weekday() < 5:
                    raise self.fail(phrase, f"{day.month}月{day.day}日不是周末")
                self.explained.append((day, phrase))
        elif name == "moved":
            for day in self.dates(m, "src"):
                if day.weekday() < 5:
                    raise self.fail(phrase, f"{day.month}月{day.day}日不是公休日")
            self.explained.extend((day, phrase) for day in self.dates(m, "dst"))

    def check_count(self, count: int, phrase: str) -> None:
        if not self.block:
            raise self.fail(phrase, "前面没有放假日期")
        if count != len(self.block):
            first, last = self.block[0], self.block[-1]
            raise self.fail(
                phrase,
                f"与放假日期不符：{first.month}月{first.day}日至{last.month}月"
                f"{last.day}日共 {len(self.block)} 天",
            )

    def extend_weekend(self, phrase: str) -> None:
        if not self.block:
            raise self.fail(phrase, "前面没有放假日期")
        added = []
        day = min(self.block) - timedelta(1)
        while day.weekday() >= 5:
            added.append(day)
            day -= timedelta(1)
        day = max(self.block) + timedelta(1)
        while day.weekday() >= 5:
            added.append(day)
            day += timedelta(1)
        if not added:
            raise self.fail(phrase, "放假日前后都不是周末")
        self.block = sorted(self.block + added)
        self.add_off(added)

    def in_lieu(self, days: list[date]) -> None:
        """Add the substitute days and the weekend between them and the break."""
        self.add_off(days)
        for day in days:
            if not self.block:
                continue
            low, high = min(self.block), max(self.block)
            edge = (high, day) if day > high else (day, low)
            gap = [edge[0] + timedelta(i) for i in range(1, (edge[1] - edge[0]).days)]
            if all(g.weekday() >= 5 for g in gap):
                self.add_off(gap)

    def finish(self) -> None:
        for day, phrase in self.explained:
            if not self.breaks:
                self.add_off([day])
            elif day not in self.breaks:
                raise self.fail(phrase, f"{day.month}月{day.day}日不在本行的放假日期内")
        if not self.off and not self.makeup:
            raise self.fail(self.text.strip(), "本行没有读到放假或上班日期")

    def days(self) -> list[NoticeDay]:
        days = [NoticeDay(d, True, name, self.number) for d, name in self.off.items()]
        days += [NoticeDay(d, False, self.festival, self.number) for d in self.makeup]
        return sorted(days, key=lambda d: d.date)


def festival_of(heading: str) -> str:
    names: list[str] = []
    for part in re.split(r"[、和及]", heading):
        for word, name in FESTIVALS:
            if word in part and name not in names:
                names.append(name)
                break
    return "、".join(names)
