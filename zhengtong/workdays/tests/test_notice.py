"""
The holiday notice as text: real notices since 2008 against chinesecalendar.

No database.  Ground truth is the ``chinesecalendar`` package: on every date
a notice covers (its own days and the days chinesecalendar names for that
notice), rest or work must agree, the make-up days must be the same set and
so must the weekdays off.
"""

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants as cc

from zhengtong.workdays import official
from zhengtong.workdays.calc import WorkCalendar
from zhengtong.workdays.constants import ErrorCode
from zhengtong.workdays.notice import (
    NoticeParseError,
    ParsedNotice,
    notice_changes,
    notice_day_entries,
    notice_text_extract,
    parse_notice,
)
from zhengtong.workdays.services import CHINESECALENDAR_NAMES

NOTICES = Path(__file__).parent / "notices"
TITLE = "国务院办公厅关于2024年部分节假日安排的通知\n"
D = date.fromisoformat


def read(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def chinesecalendar_named(year: int) -> dict[date, tuple[bool, str]]:
    """Return the days chinesecalendar records for the notice of ``year``."""

    def ours(d: date, name: str) -> bool:
        # 元旦 of the notice may begin in the previous December.
        return d.year == year or (
            d.year == year - 1 and d.month == 12 and name == "New Year's Day"
        )

    named = {d: (True, n) for d, n in cc.holidays.items() if ours(d, n)}
    named |= {d: (False, n) for d, n in cc.workdays.items() if ours(d, n)}
    return named


def assert_matches_chinesecalendar(notice: ParsedNotice) -> None:
    named = chinesecalendar_named(notice.year)
    covered = {d.date for d in notice.days} | set(named)
    for d in sorted(covered):
        assert notice.is_working_day(d) is chinese_calendar.is_workday(d), d
    makeup = {d.date for d in notice.days if not d.off_day}
    assert makeup == {d for d, (off, _n) in named.items() if not off}
    weekdays_off = {d.date for d in notice.days if d.off_day and d.date.weekday() < 5}
    assert weekdays_off == {
        d for d, (off, _n) in named.items() if off and d.weekday() < 5
    }
    for day in notice.days:  # the festival agrees where chinesecalendar names one
        if day.date in named:
            festival = CHINESECALENDAR_NAMES[named[day.date][1]]
            assert festival in day.name.split("、"), (day, festival)


FIXTURES = [
    "2008.txt",
    "2013.txt",
    "2017.txt",
    "2019-as-amended.txt",
    "2024.txt",
    "2025.txt",
    "2026.txt",
    "2026-govcn.html",
]


class TestRealNotices:
    @pytest.mark.parametrize("name", FIXTURES)
    def test_days_agree_with_chinesecalendar_date_for_date(self, name):
        notice = parse_notice(read(name))
        assert notice.title == f"国务院办公厅关于{notice.year}年部分节假日安排的通知"
        assert_matches_chinesecalendar(notice)

    @pytest.mark.parametrize("name", FIXTURES)
    def test_every_fixture_names_its_source(self, name):
        first = read(name).splitlines()[0]
        assert first.startswith(("# 来源：", "<!-- 来源：")), first

    def test_days_are_sorted_and_carry_their_festival(self):
        notice = parse_notice(read("2024.txt"))
        assert [d.date for d in notice.days] == sorted(d.date for d in notice.days)
        assert len(notice.lines) == 7
        spring = notice.lines[1]
        assert spring.festival == "春节" and spring.number == 7
        assert {d.date for d in spring.days if not d.off_day} == {
            D("2024-02-04"),
            D("2024-02-18"),
        }

    def test_2008_explanations_and_the_previous_december(self):
        notice = parse_notice(read("2008.txt"))
        first = [(d.date, d.off_day) for d in notice.days[:4]]
        assert first == [
            (D("2007-12-29"), False),  # 12月29日（星期六）上班
            (D("2007-12-30"), True),
            (D("2007-12-31"), True),
            (D("2008-01-01"), True),
        ]
        labour = next(line for line in notice.lines if line.festival == "劳动节")
        assert "“五一”国际劳动节" in labour.text

    def test_weekend_next_to_a_single_day_is_part_of_the_break(self):
        # 「1月1日放假，与周末连休」: Monday 1 Jan 2024 with Sat/Sun 2023-12-30/31.
        notice = parse_notice(read("2024.txt"))
        new_year = [d.date for d in notice.days if d.name == "元旦"]
        assert new_year == [D("2023-12-30"), D("2023-12-31"), D("2024-01-01")]
        dragon = [d.date for d in notice.days if d.name == "端午节"]
        assert dragon == [D("2024-06-08"), D("2024-06-09"), D("2024-06-10")]

    def test_2019_as_first_published_differs_only_by_the_labour_day_change(self):
        notice = parse_notice(read("2019.txt"))
        named = chinesecalendar_named(2019)
        differ = {
            d
            for d in {x.date for x in notice.days} | set(named)
            if notice.is_working_day(d) is not chinese_calendar.is_workday(d)
        }
        # 国办发明电〔2019〕3号 moved 劳动节 to 5月1日至4日 with two Sundays worked.
        assert differ == {
            D("2019-05-02"),
            D("2019-05-03"),
            D("2019-04-28"),
            D("2019-05-05"),
        }

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_entries_equal_the_notices_shipped_with_the_code(self, year):
        entries = notice_day_entries(parse_notice(read(f"{year}.txt")))
        assert [(e.date, e.kind, e.name) for e in entries] == official.official_days(
            year
        )

    def test_entries_keep_one_year_and_name_makeup_days(self):
        notice = parse_notice(read("2019-as-amended.txt"))
        entries = notice_day_entries(notice)
        assert {e.date.year for e in entries} == {2019}
        assert (D("2019-02-02"), "makeup_workday", "春节调休上班") in [
            (e.date, e.kind, e.name) for e in entries
        ]
        december = notice_day_entries(notice, year=2018)
        assert [(e.date, e.kind) for e in december] == [
            (D("2018-12-29"), "makeup_workday"),
            (D("2018-12-30"), "holiday"),
            (D("2018-12-31"), "holiday"),
        ]

    def test_json_lists_every_day_including_the_previous_year(self):
        rows = parse_notice(read("2019-as-amended.txt")).as_json()
        assert rows[0] == {"date": "2018-12-29", "off_day": False}
        assert rows[1] == {"date": "2018-12-30", "off_day": True}
        assert len(rows) == 37


# One line of each style, as the notices of those years wrote it.
STYLE_LINES = [
    (2009, "一、元旦：1月1日至3日放假，共3天。其中，1月1日（星期四、新年）为法定节假日，"
     "1月3日（星期六）为公休日。1月4日（星期日）公休日调至1月2日（星期五）。1月4日（星期日）上班。"),
    (2009, "六、国庆节、中秋节：10月1日至8日放假，共8天。其中，10月1日（星期四）、10月2日（星期五）、"
     "10月3日（星期六）为国庆节法定节假日，10月4日（星期日）照常公休；10月3日（星期六）公休日及中秋节"
     "分别调至10月5日（星期一）、10月6日（星期二），9月27日（星期日）、10月10日（星期六）公休日调至"
     "10月7日（星期三）、10月8日（星期四）。9月27日（星期日）、10月10日（星期六）上班。"),
    (2010, "二、春节：2月13日至19日放假调休，共7天。2月20日（星期六）、21日（星期日）上班。"),
    (2011, "一、元旦：1月1日至3日放假公休，共3天。"),
    (2012, "一、元旦：2012年1月1日至3日放假调休，共3天。2011年12月31日（星期六）上班。"),
    (2014, "一、元旦：1月1日放假1天。"),
    (2014, "三、清明节：4月5日放假，4月7日（星期一）补休。"),
    (2015, "六、中秋节：9月27日放假。"),
    (2016, "四、劳动节：5月1日放假，5月2日（星期一）补休。"),
    (2019, "一、元旦：12月30日至1月1日放假调休，共3天。12月29日(星期六)上班。"),
    (2020, "一、元旦：2020年1月1日放假，共1天。"),
    (2023, "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。"),
    (2024, "三、清明节:4月4日~6日放假调休,共3天。4月7日(周日)上班。"),
    (2024, "三、清明节：4月4日–6日放假调休，共3天。4月7日（星期天）上班。"),
    (2024, "三、清明节：4月4日到6日放假调休，共三天。4月7日（星期日）上班。"),
    (2024, "三、清明节：4月4日～6日放假调休，共3天。4月7日（星期日）上班。"),
]  # fmt: skip


@pytest.mark.parametrize(("year", "line"), STYLE_LINES)
def test_each_style_agrees_with_chinesecalendar(year, line):
    notice = parse_notice(line, year=year)
    for day in notice.days:
        assert (not day.off_day) is chinese_calendar.is_workday(day.date), day


def test_substitute_day_fills_the_weekend_between():
    notice = parse_notice("三、清明节：4月5日放假，4月7日（星期一）补休。", year=2014)
    assert [d.date for d in notice.days] == [
        D("2014-04-05"),
        D("2014-04-06"),
        D("2014-04-07"),
    ]


def test_december_range_without_year_belongs_to_the_previous_year():
    notice = parse_notice(
        "一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。", year=2019
    )
    assert [d.date for d in notice.days][:2] == [D("2018-12-29"), D("2018-12-30")]


def test_html_heading_and_body_in_separate_paragraphs():
    html = (
        "<html><body><h1>国务院办公厅关于2013年部分节假日安排的通知</h1>"
        "<p>一、元旦：</p><p>1月1日至3日放假调休，共3天。1月5日（星期六）、"
        "1月6日（星期日）上班。</p></body></html>"
    )
    notice = parse_notice(html)
    assert [(d.date, d.off_day) for d in notice.days][-2:] == [
        (D("2013-01-05"), False),
        (D("2013-01-06"), False),
    ]
    assert notice.lines[0].number == 2


def test_html_page_gives_the_same_days_as_the_text():
    html = parse_notice(read("2026-govcn.html"))
    text = parse_notice(read("2026.txt"))
    assert html.as_json() == text.as_json()
    lines = notice_text_extract(read("2026-govcn.html"))
    assert not any("must never be read" in line or "3月1日" in line for line in lines)
    assert "首页 > 政策 > 国务院文件" in lines  # entities decoded


class TestMalformed:
    def parse_error(self, text: str, **kwargs) -> NoticeParseError:
        with pytest.raises(NoticeParseError) as info:
            parse_notice(text, **kwargs)
        assert info.value.code == ErrorCode.NOTICE_UNREADABLE
        assert info.value.status == 400
        return info.value

    def test_bad_weekday_note_names_line_and_date(self):
        error = self.parse_error(
            TITLE + "三、清明节：4月4日（星期五）至6日放假调休，共3天。"
        )
        assert error.line == 2
        assert error.message == (
            "第 2 行“三、清明节：4月4日（星期五）至6日放假调休，共3天。”中"
            "“4月4日（星期五）”：4月4日是星期四，不是星期五"
        )

    def test_weekday_that_does_not_exist(self):
        error = self.parse_error(TITLE + "三、清明节：4月4日（星期八）至6日放假。")
        assert "第 2 行" in error.message and "星期八" in error.message

    def test_bad_weekday_on_a_makeup_day(self):
        text = read("2024.txt").replace("2月18日（星期日）上班", "2月18日（周四）上班")
        error = self.parse_error(text)
        assert error.line == 7 and error.phrase == "2月18日（周四）"
        assert "2月18日是星期日，不是星期四" in error.message

    def test_count_that_disagrees_with_the_range(self):
        error = self.parse_error(TITLE + "三、清明节：4月4日至6日放假调休，共4天。")
        assert error.phrase == "共4天"
        assert error.message == (
            "第 2 行“三、清明节：4月4日至6日放假调休，共4天。”中“共4天”："
            "与放假日期不符：4月4日至4月6日共 3 天"
        )

    def test_unreadable_phrase_is_quoted(self):
        error = self.parse_error(TITLE + "三、清明节：4月4日至6日放假期间调休，共3天。")
        assert error.message == (
            "第 2 行“三、清明节：4月4日至6日放假期间调休，共3天。”中无法识别：“期间调休”"
        )

    @pytest.mark.parametrize("text", ["", "  \n\n", "\ufeff"])
    def test_empty_text(self, text):
        assert self.parse_error(text).message == "通知文本为空。"

    def test_html_page_with_a_bad_line_names_the_extracted_line(self):
        html = read("2026-govcn.html").replace("至7日（周三）", "至7日（周五）")
        error = self.parse_error(html)
        assert error.line == 12 and error.text.startswith("七、国庆节：")
        assert "10月7日是星期三，不是星期五" in error.message

    def test_one_bad_line_fails_the_whole_notice(self):
        text = read("2013.txt").replace("共7天。9月29日", "共7日。9月29日")
        error = self.parse_error(text)
        assert error.line == 12 and "共7日" in error.phrase

    @pytest.mark.parametrize(
        ("line", "reason"),
        [
            ("二、春节：2月30日放假。", "日期不存在"),
            ("二、春节：2月10日至17日放假调休，共8天。2月11日（星期日）上班。", "既是放假日又是上班日"),
            ("二、春节：2月10日至17日放假调休，共8天。2月5日上班。", "本来就上班"),
            ("五、端午节：6月12日放假，与周末连休。", "前后都不是周末"),
            ("二、春节：2月17日至10日放假。", "结束日期早于开始日期"),
            ("二、春节：2月10日至2025年2月17日放假。", "不属于 2024 年的通知"),
            ("二、春节：2月10日（腊八、2月9日）放假。", "无法识别括号中的“2月9日”"),
            ("二、春节：共8天。", "前面没有放假日期"),
            ("二、春节：", "没有读到放假或上班日期"),
            ("一、2024年1月1日放假。", "无法识别节日名称"),
            ("一、元旦：1月1日放假，2月3日（星期六）照常公休。", "不在本行的放假日期内"),
        ],
    )  # fmt: skip
    def test_line_errors_name_the_line(self, line, reason):
        error = self.parse_error(TITLE + line)
        assert error.message.startswith(f"第 2 行“{line}”中"), error.message
        assert reason in error.message

    def test_no_numbered_lines(self):
        error = self.parse_error(TITLE + "2024年春节放假8天。")
        assert "没有找到编号的放假安排" in error.message

    def test_year_must_match_the_title(self):
        error = self.parse_error(read("2026.txt"), year=2027)
        assert "2026 年，与指定的 2027 年不一致" in error.message

    def test_year_is_needed_without_a_title(self):
        error = self.parse_error("一、元旦：1月1日放假。")
        assert "找不到通知的年份" in error.message
        assert parse_notice("一、元旦：1月1日放假。", year=2027).days[0].date == D(
            "2027-01-01"
        )


def test_changes_against_a_provisional_calendar():
    # 2026 derived from the statutory days only (no 调休), then the notice.
    statutory = {D("2026-01-01"), D("2026-02-16"), D("2026-02-17"), D("2026-02-18")}
    statutory |= {D("2026-02-19"), D("2026-04-05"), D("2026-05-01"), D("2026-05-02")}
    statutory |= {D("2026-06-19"), D("2026-09-25"), D("2026-10-01"), D("2026-10-02")}
    statutory |= {D("2026-10-03")}
    cal = WorkCalendar(statutory, set(), range(2024, 2026), provisional_years=[2026])
    notice = parse_notice(read("2026.txt"))
    changes = {c.date: c for c in notice_changes(notice, cal)}
    assert (
        changes[D("2026-01-02")].before is True
        and changes[D("2026-01-02")].after is False
    )
    assert (
        changes[D("2026-01-04")].after is True
        and changes[D("2026-01-04")].name == "元旦"
    )
    assert changes[D("2026-01-02")].provisional is True
    assert D("2026-01-01") not in changes  # a rest day either way
    assert D("2026-07-01") not in changes
    # Every change is a date the notice sets differently from the week.
    assert all(c.date in {d.date for d in notice.days} for c in changes.values())


def test_changes_where_the_year_is_missing():
    cal = WorkCalendar(set(), set(), range(2024, 2027))
    notice = parse_notice(read("2019-as-amended.txt"))
    changes = notice_changes(notice, cal)
    assert all(c.before is None for c in changes)
    assert len(changes) == 365 + 3  # every day of 2019 and the three of December 2018
    assert changes[0].date == D("2018-12-29")
