"""A supervisor closes an anomaly hit with what was found; nobody else may."""

import pytest

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.supervision.models import AnomalyHit
from zhengtong.supervision.services.anomalies import anomaly_resolve


@pytest.fixture
def hit(sworld):
    return AnomalyHit.objects.create(
        rule="step_reassigned",
        object_kind="case",
        object_id=1,
        department=sworld.dept,
        detail="办件的审批环节被改派 4 次。",
        found_on="2026-03-02",
    )


def test_a_supervisor_resolves_it_with_a_note_and_it_leaves_the_list(
    sworld, hit, client
):
    client.force_login(sworld.supervisor)
    url = f"/workbench/supervision/anomalies/{hit.pk}/resolve/"
    r = client.post(url, {"note": "经核实为承办人休假改派，已提醒科室合理安排。"})
    assert r.status_code == 302
    hit.refresh_from_db()
    assert hit.resolved and hit.resolved_by == sworld.supervisor
    assert AuditEvent.objects.filter(
        stream=f"supervision.anomalyhit:{hit.pk}", action="anomaly_resolved"
    ).exists()
    page = client.get("/workbench/supervision/anomalies/").content.decode()
    assert "改派 4 次" not in page
    # resolving again: the hit is no longer open
    assert client.post(url, {"note": "再次处理"}).status_code == 404


def test_an_empty_note_is_refused_and_nothing_changes(sworld, hit):
    with pytest.raises(ApplicationError) as exc:
        anomaly_resolve(hit=hit, actor=sworld.supervisor, note="  ")
    assert exc.value.code == "invalid_input"
    hit.refresh_from_db()
    assert not hit.resolved


@pytest.mark.parametrize("who", ["head", "counter", "reviewer"])
def test_others_may_not_resolve(sworld, hit, client, who):
    user = getattr(sworld, who)
    with pytest.raises(ApplicationError) as exc:
        anomaly_resolve(hit=hit, actor=user, note="处理")
    assert exc.value.status == 403
    client.force_login(user)
    r = client.post(
        f"/workbench/supervision/anomalies/{hit.pk}/resolve/", {"note": "x"}
    )
    assert r.status_code in (302, 403)
    hit.refresh_from_db()
    assert not hit.resolved


def test_another_departments_head_does_not_see_it(sworld, hit):
    with pytest.raises(ApplicationError) as exc:
        anomaly_resolve(hit=hit, actor=sworld.other_head, note="处理")
    assert exc.value.status == 404
