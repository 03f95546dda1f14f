"""The public lookup dates progress in the centre's time zone, not UTC."""

from datetime import date

import time_machine

from .conftest import complete_case


def test_public_lookup_dates_progress_in_the_centres_time_zone(world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from zhengtong.cases.selectors import case_public_lookup

    # 00:30 Beijing time on 3 March is still 2 March in UTC.
    moment = datetime(2026, 3, 3, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        case = complete_case(world, moment)
    result = case_public_lookup(number=case.number, query_code=case.query_code)
    assert ("已收件", "2026-03-03") in result.steps
    assert case.received_date == date(2026, 3, 3)
