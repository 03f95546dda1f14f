"""The HTTP contract of bundles: the public list, submission, status, visibility."""

import pytest

from zhengtong.bundles.models import BundleApplication
from zhengtong.cases.models import Case

from .conftest import client_for


def post_bundle(client, body, **headers):
    return client.post("/api/v1/cases/", body, format="json", **headers)


def body(w, **extra):
    return {
        "bundle_code": "newborn",
        "answers": w.answers,
        "form_data": w.form,
        **extra,
    }


def test_public_list_shape(world):
    r = client_for(None).get("/api/v1/catalog/bundles/")
    assert r.status_code == 200
    [bundle] = r.json()
    assert bundle["code"] == "newborn"
    assert bundle["name"] == "新生儿出生一件事"
    assert [i["item_code"] for i in bundle["items"]] == [
        i.item_code for i in world.items
    ]
    assert bundle["items"][1]["department"] == "区公安分局"
    job = bundle["questions"][2]
    assert job["key"] == "mother_job"
    assert job["text"] == "母亲的就业情况"
    assert job["choices"] == [
        {"value": "employed", "label": "单位职工"},
        {"value": "self_employed", "label": "灵活就业或无业"},
    ]
    assert bundle["questions"][0]["choices"][0] == {"value": "yes", "label": "是"}
    r = client_for(None).get("/api/v1/catalog/bundles/newborn/")
    assert r.status_code == 200 and r.json()["code"] == "newborn"
    assert client_for(None).get("/api/v1/catalog/bundles/nope/").status_code == 404


def test_inactive_bundle_is_not_offered(world):
    world.bundle.active = False
    world.bundle.save()
    assert client_for(None).get("/api/v1/catalog/bundles/").json() == []
    r = post_bundle(client_for(world.applicant), body(world))
    assert r.status_code == 400
    assert r.json()["code"] == "bundle_not_found"


def test_submit_creates_sub_cases_and_repeats_with_same_key(world):
    w = world
    c = client_for(w.applicant)
    r1 = post_bundle(c, body(w), HTTP_IDEMPOTENCY_KEY="b-1")
    r2 = post_bundle(c, body(w), HTTP_IDEMPOTENCY_KEY="b-1")
    assert r1.status_code == r2.status_code == 201, r1.content
    data = r1.json()
    assert set(data) == {"id", "number", "sub_cases"}
    assert r2.json() == data
    assert [s["item_code"] for s in data["sub_cases"]] == [
        i.item_code for i in w.items[:3]
    ]
    assert [s["department"] for s in data["sub_cases"]] == [
        "区卫生健康局",
        "区公安分局",
        "区医疗保障局",
    ]
    assert set(data["sub_cases"][0]) == {"id", "number", "item_code", "department"}
    application = BundleApplication.objects.get()
    assert (application.pk, application.number) == (data["id"], data["number"])
    assert Case.objects.count() == 3
    r3 = post_bundle(
        c, body(w, answers={**w.answers, "card": "yes"}), HTTP_IDEMPOTENCY_KEY="b-1"
    )
    assert r3.status_code == 422
    assert r3.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            {
                "answers": {
                    "insure": "yes",
                    "card": "no",
                    "x": "1",
                    "mother_job": "employed",
                }
            },
            "bundle_unknown_question",
        ),
        (
            {"answers": {"card": "no", "mother_job": "employed"}},
            "bundle_answer_required",
        ),
        (
            {"answers": {"insure": "yes", "card": "no", "mother_job": "boss"}},
            "bundle_invalid_choice",
        ),
        ({"answers": "yes"}, "bundle_invalid_answers"),
        ({"answers": None}, "invalid_input"),
        ({"bundle_code": "nope"}, "bundle_not_found"),
        ({"bundle_code": ["newborn"]}, "invalid_input"),
        (
            {"form_data": {"baby_name": "", "contact_phone": "1"}},
            "bundle_field_required",
        ),
        ({"form_data": {"baby_name": 5, "contact_phone": "1"}}, "invalid_form_data"),
        (
            {"form_data": {"baby_name": "王" * 300, "contact_phone": "1"}},
            "bundle_field_too_long",
        ),
        ({"delivery_method": "mail"}, "delivery_address_required"),
        ({"delivery_method": "drone"}, "invalid_input"),
    ],
)
def test_bad_input_is_400_with_chinese_message_and_creates_nothing(world, change, code):
    r = post_bundle(client_for(world.applicant), body(world, **change))
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert not BundleApplication.objects.exists()
    assert not Case.objects.exists()


def test_only_applicants_submit(world):
    assert post_bundle(client_for(None), body(world)).status_code in (401, 403)
    r = post_bundle(client_for(world.police_reviewer), body(world))
    assert r.status_code == 403
    assert not Case.objects.exists()


def test_status_visible_to_applicant_only_and_staff_see_their_sub_case(world):
    w = world
    data = post_bundle(client_for(w.applicant), body(w)).json()
    url = f"/api/v1/catalog/bundles/applications/{data['id']}/"
    mine = client_for(w.applicant).get(url)
    assert mine.status_code == 200
    assert len(mine.json()["sub_cases"]) == 3
    assert client_for(w.other_applicant).get(url).status_code == 404
    assert client_for(None).get(url).status_code in (401, 403)
    police = client_for(w.police_reviewer).get(url)
    assert police.status_code == 200
    assert [s["department"] for s in police.json()["sub_cases"]] == ["区公安分局"]
    # the case API agrees: the police see their sub-case, not the others
    ids = [s["id"] for s in data["sub_cases"]]
    seen = [
        client_for(w.police_reviewer).get(f"/api/v1/cases/{i}/").status_code
        for i in ids
    ]
    assert seen == [404, 200, 404]
    assert len(client_for(w.supervisor).get(url).json()["sub_cases"]) == 3
    assert (
        client_for(w.applicant)
        .get("/api/v1/catalog/bundles/applications/99999/")
        .status_code
        == 404
    )
