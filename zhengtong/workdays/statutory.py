"""
The statutory holidays of a year, as the law fixes them (no 调休 guessed).

《全国年节及纪念日放假办法》Art. 2 as revised on 2024-11-10 (domain-rules
§5.1) gives every citizen 13 days off:

* 元旦 1 January;
* 春节 农历除夕 and 正月初一 to 初三 (4 days);
* 清明节 the day of the solar term 清明;
* 劳动节 1 and 2 May;
* 端午节 农历五月初五;
* 中秋节 农历八月十五;
* 国庆节 1 to 3 October.

The yearly State Council notice then moves days around (调休) and adds
substitute days (Art. 6) — that is exactly what this module does **not**
guess.  A calendar built from these days for a year whose notice is not out
yet is *provisional* (推定): correct as far as the law goes, and corrected
when the notice is loaded.

Lunar dates and the solar term come from ``lunar-python`` (6tail's
lunar library): pure Python (no native build), MIT, maintained with
sibling ports in Java/JS/Go that are widely used, computes new moons and
solar terms astronomically for any year rather than from a short table,
and handles 29-day 腊月 (除夕 is the day before 正月初一, not 腊月三十).
``tests/test_statutory.py`` cross-checks it with the ``holidays`` package
for 2024–2035.

中文：法定节假日（推定）
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

__all__ = ["FESTIVALS", "statutory_days"]

# Names as the notices write them, in the order of Art. 2.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    from lunar_python import Lunar

    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    from lunar_python import Solar

    table = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()
    solar = table["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def statutory_days(year: int) -> tuple[tuple[date, str], ...]:
    """
    Return the statutory rest days of ``year`` with their festival names.

    正月初一 always falls between 21 January and 20 February, so 除夕 is in
    the same Gregorian year.  When two festivals share a day (中秋 on
    1–3 October, as in 2028) the day is listed once with both names; the
    law adds no substitute day for that.  Sorted by date.

    中文：某年法定节假日
    """
    days: list[tuple[date, str]] = [(date(year, 1, 1), "元旦")]
    new_year = _lunar_to_solar(year, 1, 1)
    days.extend((new_year + timedelta(days=offset), "春节") for offset in (-1, 0, 1, 2))
    days.append((_qingming(year), "清明节"))
    days.extend([(date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节")])
    days.append((_lunar_to_solar(year, 5, 5), "端午节"))
    days.append((_lunar_to_solar(year, 8, 15), "中秋节"))
    days.extend((date(year, 10, d), "国庆节") for d in (1, 2, 3))
    merged: dict[date, str] = {}
    for day, name in sorted(days, key=lambda row: (row[0], FESTIVALS.index(row[1]))):
        merged[day] = f"{merged[day]}、{name}" if day in merged else name
    return tuple(sorted(merged.items()))
