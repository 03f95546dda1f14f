"""The applicant's 代办/帮办 and pickup page."""

from django.urls import reverse

from zhengtong.agency import services
from zhengtong.agency.models import AgencyAssignment

from .conftest import complete_case


def test_the_applicant_requests_authorises_and_chooses_pickup(client, aworld):
    case = complete_case(aworld, None)
    url = reverse("portal:agency-case", args=[case.pk])
    client.force_login(aworld.applicant)
    assert (
        "代办与领取"
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
    bad = client.post(url, {"action": "request", "kind": "assisted", "needs": ""})
    assert bad.status_code == 400
    assert not AgencyAssignment.objects.exists()
    assert client.post(url, {"action": "request", "kind": "agency"}).status_code == 302
    a = AgencyAssignment.objects.get()
    services.assignment_assign(assignment=a, actor=aworld.admin, officer=aworld.officer)
    services.priority_mark_case(
        case=case, actor=aworld.counter, kind="key_project", basis="区重点项目"
    )
    page = client.get(url).content.decode()
    assert "同意授权代办员代为办理" in page
    assert "重点项目" in page
    client.post(url, {"action": "authorise"})
    a.refresh_from_db()
    assert a.status == "authorised"
    assert client.post(url, {"action": "pickup", "method": "mail"}).status_code == 400
    client.post(url, {"action": "pickup", "method": "counter_pickup"})
    assert case.__class__.objects.get(pk=case.pk).handover.preferred_method == (
        "counter_pickup"
    )
    client.force_login(aworld.other_applicant)
    assert client.get(url).status_code == 404
