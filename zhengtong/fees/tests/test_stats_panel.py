"""Fee totals and green-channel counts on the statistics page (scope kept)."""

from zhengtong.agency import services as agency_services
from zhengtong.fees import services

URL = "/workbench/stats/?period=day&date=2026-03-02"


def test_the_stats_page_shows_fee_totals_by_department_and_marks(fworld, client):
    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.per_unit.pk, quantity=40, actor=w.counter
    )
    services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=1500,
        receipt_number="R-9",
        actor=w.counter,
    )
    agency_services.priority_mark_case(
        case=w.case, actor=w.counter, kind="elderly", basis="老年证"
    )
    client.force_login(w.supervisor)
    html = client.get(URL).content.decode()
    assert "各部门收费" in html and w.dept.name in html
    assert "20.00" in html and "15.00" in html  # charged, net
    assert "老年人" in html and "stats-fees-data" in html
    # a department head of another department sees neither the amounts nor the mark
    client.force_login(w.other_head)
    html = client.get(URL).content.decode()
    assert "20.00" not in html and "老年人" not in html
