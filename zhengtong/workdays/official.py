"""
The State Council holiday notices for 2024-2026, written out from the text.

Source: domain-rules §5.3 (国务院办公厅关于部分节假日安排的通知).  Every date
of a break is listed as a holiday (weekends inside the break included);
make-up working days (调休上班) are listed separately.  Pure data, no ORM:
tests, the benchmark and ``load_holidays --source official`` read it.  The
data migration ``0002`` carries its own literal copy (migrations never import
app code); a test checks that the two agree.

中文：国务院节假日安排通知（2024–2026）
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"


@dataclass(frozen=True)
class Festival:
    """One festival of a notice: its break and its make-up working days."""

    name: str
    first: date
    last: date
    makeup: tuple[date, ...] = ()


@dataclass(frozen=True)
class Notice:
    """One yearly notice of the State Council General Office."""

    year: int
    title: str
    number: str
    url: str
    festivals: tuple[Festival, ...] = field(default_factory=tuple)

    @property
    def source(self) -> str:
        """Return the short citation stored with each day."""
        return f"{self.title}（{self.number}）" if self.number else self.title


def _d(text: str) -> date:
    return date.fromisoformat(text)


NOTICES: dict[int, Notice] = {
    2024: Notice(
        year=2024,
        title="国务院办公厅关于2024年部分节假日安排的通知",
        number="国办发明电〔2023〕7号",
        url="https://zh.wikisource.org/wiki/国务院办公厅关于2024年部分节假日安排的通知",
        festivals=(
            Festival("元旦", _d("2024-01-01"), _d("2024-01-01")),
            Festival(
                "春节",
                _d("2024-02-10"),
                _d("2024-02-17"),
                (_d("2024-02-04"), _d("2024-02-18")),
            ),
            Festival("清明节", _d("2024-04-04"), _d("2024-04-06"), (_d("2024-04-07"),)),
            Festival(
                "劳动节",
                _d("2024-05-01"),
                _d("2024-05-05"),
                (_d("2024-04-28"), _d("2024-05-11")),
            ),
            Festival("端午节", _d("2024-06-10"), _d("2024-06-10")),
            Festival("中秋节", _d("2024-09-15"), _d("2024-09-17"), (_d("2024-09-14"),)),
            Festival(
                "国庆节",
                _d("2024-10-01"),
                _d("2024-10-07"),
                (_d("2024-09-29"), _d("2024-10-12")),
            ),
        ),
    ),
    2025: Notice(
        year=2025,
        title="国务院办公厅关于2025年部分节假日安排的通知",
        number="国办发明电〔2024〕12号",
        url="https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989767.html",
        festivals=(
            Festival("元旦", _d("2025-01-01"), _d("2025-01-01")),
            Festival(
                "春节",
                _d("2025-01-28"),
                _d("2025-02-04"),
                (_d("2025-01-26"), _d("2025-02-08")),
            ),
            Festival("清明节", _d("2025-04-04"), _d("2025-04-06")),
            Festival("劳动节", _d("2025-05-01"), _d("2025-05-05"), (_d("2025-04-27"),)),
            Festival("端午节", _d("2025-05-31"), _d("2025-06-02")),
            Festival(
                "国庆节、中秋节",
                _d("2025-10-01"),
                _d("2025-10-08"),
                (_d("2025-09-28"), _d("2025-10-11")),
            ),
        ),
    ),
    2026: Notice(
        year=2026,
        title="国务院办公厅关于2026年部分节假日安排的通知",
        number="",
        url="https://www.gov.cn/zhengce/content/202511/content_7047090.htm",
        festivals=(
            Festival("元旦", _d("2026-01-01"), _d("2026-01-03"), (_d("2026-01-04"),)),
            Festival(
                "春节",
                _d("2026-02-15"),
                _d("2026-02-23"),
                (_d("2026-02-14"), _d("2026-02-28")),
            ),
            Festival("清明节", _d("2026-04-04"), _d("2026-04-06")),
            Festival("劳动节", _d("2026-05-01"), _d("2026-05-05"), (_d("2026-05-09"),)),
            Festival("端午节", _d("2026-06-19"), _d("2026-06-21")),
            Festival("中秋节", _d("2026-09-25"), _d("2026-09-27")),
            Festival(
                "国庆节",
                _d("2026-10-01"),
                _d("2026-10-07"),
                (_d("2026-09-20"), _d("2026-10-10")),
            ),
        ),
    ),
}


def official_days(year: int) -> list[tuple[date, str, str]]:
    """
    Return ``(date, kind, name)`` for every special day of ``year``'s notice.

    ``kind`` is ``"holiday"`` or ``"makeup_workday"``; make-up days are named
    "<festival>调休上班".  Raises ``KeyError`` for a year without a notice.

    中文：通知中的放假日与调休上班日
    """
    notice = NOTICES[year]
    days: list[tuple[date, str, str]] = []
    for festival in notice.festivals:
        day = festival.first
        while day <= festival.last:
            days.append((day, HOLIDAY, festival.name))
            day += timedelta(days=1)
        days.extend(
            (makeup, MAKEUP_WORKDAY, f"{festival.name}调休上班")
            for makeup in festival.makeup
        )
    days.sort()
    return days


def official_sets(
    years: tuple[int, ...] = (2024, 2025, 2026),
) -> tuple[set[date], set[date]]:
    """Return ``(holidays, makeup_workdays)`` for the given notice years."""
    holidays: set[date] = set()
    makeup: set[date] = set()
    for year in years:
        for day, kind, _name in official_days(year):
            (holidays if kind == HOLIDAY else makeup).add(day)
    return holidays, makeup
