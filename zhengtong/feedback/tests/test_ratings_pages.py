"""The ratings pages: rate a case online, my ratings, public results, the queue."""

from django.urls import reverse

import pytest

from zhengtong.feedback.models_ratings import Rating, Rectification

from .ratings_world import RatingsWorld, at


@pytest.fixture
def frozen_moment():
    return at(2026, 6, 15, 10)


@pytest.fixture
def rw(db, frozen_today) -> RatingsWorld:
    return RatingsWorld()


def test_applicant_rates_from_the_case_page_and_sees_it_in_my_ratings(rw, client):
    case = rw.concluded_case()
    client.force_login(rw.applicant)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    rate_url = reverse("portal:feedback-rate-case", args=[case.pk])
    assert rate_url in detail.content.decode()
    page = client.get(rate_url)
    assert page.status_code == 200
    assert (
        "checked"
        not in page.content.decode().split("rate-levels")[1].split("</fieldset>")[0]
    )
    answer = client.post(
        rate_url, {"level": "2", "comment": "材料退回两次", "ind_attitude": "2"}
    )
    assert answer.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.indicators, rating.channel) == (
        2,
        {"attitude": 2},
        "online",
    )
    assert Rectification.objects.filter(rating=rating).exists()
    mine = client.get(reverse("portal:feedback-my-ratings")).content.decode()
    assert "不满意" in mine and "待核实" in mine
    again = client.get(rate_url).content.decode()
    assert "只能评价一次" in again


def test_someone_else_cannot_open_the_rating_page(rw, client):
    case = rw.concluded_case()
    client.force_login(rw.other_applicant)
    assert (
        client.get(reverse("portal:feedback-rate-case", args=[case.pk])).status_code
        == 404
    )


def test_public_results_page_needs_no_login_and_masks(rw, client):
    page = client.get(reverse("portal:feedback-results"), {"month": "2026-06"})
    assert page.status_code == 200
    assert "满意率" in page.content.decode()
    assert (
        client.get(reverse("portal:feedback-results"), {"month": "x"}).status_code
        == 200
    )


def test_queue_and_step_form_for_the_department_only(rw, client):
    client.force_login(rw.applicant)
    client.post(
        reverse("portal:feedback-rate-case", args=[rw.concluded_case().pk]),
        {"level": "1"},
    )
    r = Rectification.objects.get()
    client.force_login(rw.counter)
    queue = client.get(reverse("workbench:feedback-rectifications"))
    assert f"差评{r.pk}" in queue.content.decode()
    url = reverse("workbench:feedback-rectification", args=[r.pk])
    bad = client.post(
        url, {"step": "verify", "finding": "", "classification": "immediate"}
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "step": "verify",
            "finding": "属实",
            "classification": "immediate",
            "contacted": "on",
        },
    )
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.state == "rectifying"
    # the confirmation is said once (by the site layout)
    assert client.get(ok["Location"]).content.decode().count("已核实") == 1
    client.force_login(rw.foreign_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(rw.counter)
    refused = client.post(url, {"step": "decide", "upheld": "1", "decision": "x"})
    assert refused.status_code in (403, 409)
