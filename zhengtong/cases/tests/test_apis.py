"""The HTTP contract: status codes, payloads, permissions, uploads, PDFs."""

import gc
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

import pytest
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.core.models import AuditEvent

from .conftest import EXE_BYTES, PNG_BYTES, ofd_bytes, pdf_file


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def submitted(world):
    """A case submitted online through the API, with both materials."""
    w = world
    c = client_for(w.applicant)
    r = c.post(
        "/api/v1/cases/",
        {"item_code": w.item.item_code, "submit": False},
        format="json",
    )
    assert r.status_code == 201, r.content
    case_id = r.json()["id"]
    for m in w.materials:
        r = c.post(
            f"/api/v1/cases/{case_id}/materials/",
            {"file": pdf_file(), "material_id": m.pk},
            format="multipart",
        )
        assert r.status_code == 201, r.content
    r = c.post(f"/api/v1/cases/{case_id}/submit/", {}, format="json")
    assert r.status_code == 200, r.content
    return Case.objects.get(pk=case_id)


def test_submit_returns_number_and_repeats_with_same_idempotency_key(world):
    c = client_for(world.applicant)
    body = {"item_code": world.item.item_code, "form_data": {"申请事由": "开办"}}
    r1 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    r3 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert r1.status_code == r2.status_code == r3.status_code == 201
    assert r1.json()["id"] == r2.json()["id"] != r3.json()["id"]
    assert set(r1.json()) >= {"id", "number", "status"}
    assert r1.json()["status"] == Status.SUBMITTED
    assert r1.json()["number"].startswith("511602-")
    assert Case.objects.count() == 2


def test_submit_with_unknown_item_or_as_staff_is_refused(world):
    r = client_for(world.applicant).post(
        "/api/v1/cases/", {"item_code": "nope"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "item_not_found"
    r = client_for(world.counter).post(
        "/api/v1/cases/", {"item_code": world.item.item_code}, format="json"
    )
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    r = client_for(None).post(
        "/api/v1/cases/", {"item_code": world.item.item_code}, format="json"
    )
    assert r.status_code == 401
    assert Case.objects.count() == 0


def test_detail_shape(submitted, world):
    r = client_for(world.applicant).get(f"/api/v1/cases/{submitted.pk}/")
    assert r.status_code == 200
    data = r.json()
    for key in (
        "status",
        "accepted_at",
        "due_date",
        "statutory_due_date",
        "lamp",
        "suspensions",
        "events",
    ):
        assert key in data
    assert [e["action"] for e in data["events"]][:1] == ["create"]
    assert data["allowed_actions"] == ["withdraw"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant", 200),
        ("other_applicant", 404),
        ("counter", 200),
        ("reviewer", 200),
        ("admin", 200),
        ("supervisor", 200),
        ("foreign_reviewer", 404),
    ],
)
def test_who_may_see_a_case(submitted, world, who, status):
    c = client_for(getattr(world, who))
    assert c.get(f"/api/v1/cases/{submitted.pk}/").status_code == status
    assert c.get(f"/api/v1/cases/{submitted.pk}/documents/").status_code == status
    listed = [row["id"] for row in c.get("/api/v1/cases/").json()["results"]]
    assert (submitted.pk in listed) is (status == 200)


@pytest.mark.parametrize(
    ("who", "path", "body", "status", "code"),
    [
        ("applicant", "accept", {}, 403, "not_permitted"),
        ("supervisor", "accept", {}, 403, "not_permitted"),
        ("other_applicant", "withdraw", {}, 404, "not_found"),
        ("foreign_reviewer", "accept", {}, 404, "not_found"),
        ("applicant", "decide", {"outcome": "approve"}, 403, "not_permitted"),
        ("reviewer", "decide", {"outcome": "approve"}, 409, "invalid_transition"),
        ("counter", "conclude", {}, 409, "invalid_transition"),
        ("reviewer", "extension-approve", {}, 403, "not_permitted"),
        (
            "counter",
            "extension-request",
            {"days": 2, "reason": "x"},
            403,
            "not_assignee",
        ),
        ("counter", "refuse", {"reason": ""}, 400, "reason_required"),
        (
            "counter",
            "request-supplement",
            {"missing": [999999]},
            400,
            "invalid_material",
        ),
    ],
)
def test_who_may_not_act(submitted, world, who, path, body, status, code):
    r = client_for(getattr(world, who)).post(
        f"/api/v1/cases/{submitted.pk}/{path}/", body, format="json"
    )
    assert (r.status_code, r.json()["code"]) == (status, code), r.json()
    assert r.json()["message"]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_full_flow_over_http_with_notices_read_back(
    submitted, world, django_capture_on_commit_callbacks, mailoutbox
):
    w = world
    staff = client_for(w.counter)
    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(
            f"/api/v1/cases/{submitted.pk}/request-supplement/",
            {
                "missing": [w.materials[1].pk, "营业执照复印件"],
                "reason": "身份证明模糊",
            },
            format="json",
        )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == Status.SUPPLEMENT_REQUESTED
    docs = (
        client_for(w.applicant).get(f"/api/v1/cases/{submitted.pk}/documents/").json()
    )
    # the 收件凭证 of the submission comes first
    assert [d["kind"] for d in docs] == ["receipt", "supplement"]
    pdf = client_for(w.applicant).get(docs[1]["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "补正材料通知书" in text and "身份证明" in text and "营业执照复印件" in text
    assert (
        submitted.number in text
        and docs[1]["number"].replace("〔", "").split("补")[0] in text
    )

    applicant = client_for(w.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        r = applicant.post(
            f"/api/v1/cases/{submitted.pk}/supplement/",
            {
                "note": "已补",
                "files": [pdf_file("身份证明.pdf")],
                "material_ids": [w.materials[1].pk],
            },
            format="multipart",
        )
    assert r.status_code == 200, r.json()
    assert CaseMaterial.objects.filter(case=submitted).count() == 3  # nothing replaced

    with django_capture_on_commit_callbacks(execute=True):
        r = staff.post(f"/api/v1/cases/{submitted.pk}/accept/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == Status.ACCEPTED
    assert r.json()["due_date"] and r.json()["accepted_at"]
    steps = r.json()["steps"]
    assert [s["decides"] for s in steps] == [False, False, True]
    for _ in steps[:-1]:  # the last, 批准, is decided, not completed
        case = Case.objects.get(pk=submitted.pk)
        step = case.steps.get(status="active")
        r = client_for(case.current_assignee).post(
            f"/api/v1/cases/{case.pk}/steps/{step.pk}/complete/",
            {"opinion": "同意"},
            format="json",
        )
        assert r.status_code == 200, r.json()
    with django_capture_on_commit_callbacks(execute=True):
        decider = Case.objects.get(pk=submitted.pk).current_assignee
        r = client_for(decider).post(
            f"/api/v1/cases/{submitted.pk}/decide/",
            {"outcome": "approve", "reason": "符合条件"},
            format="json",
        )
    assert r.json()["status"] == Status.DECIDED_APPROVED
    docs = (
        client_for(w.applicant).get(f"/api/v1/cases/{submitted.pk}/documents/").json()
    )
    assert [d["kind"] for d in docs] == [
        "receipt",
        "supplement",
        "receipt",  # the supplement's
        "acceptance",
        "approval",
    ]
    for doc, title in zip(docs[3:], ["受理通知书", "准予行政许可决定书"], strict=True):
        pdf = client_for(w.applicant).get(doc["download_url"])
        text = "".join(
            p.extract_text()
            for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
        )
        assert title in text and submitted.number in text and "2" in text
    # another applicant cannot download it
    assert client_for(w.other_applicant).get(docs[4]["download_url"]).status_code == 404
    # notifications: in-app, e-mail, SMS
    titles = [
        n["title"]
        for n in client_for(w.applicant).get("/api/v1/cases/notifications/").json()
    ]
    assert "请补正材料" in titles and "申请已受理" in titles and "准予许可" in titles
    assert any("准予许可" in m.subject for m in mailoutbox)


def test_refuse_notice_states_reasons_and_remedies(
    submitted, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world.counter).post(
            f"/api/v1/cases/{submitted.pk}/refuse/",
            {"reason": "申请人不具备主体资格"},
            format="json",
        )
    assert r.status_code == 200 and r.json()["status"] == Status.REJECTED_AT_INTAKE
    doc = (
        client_for(world.applicant)
        .get(f"/api/v1/cases/{submitted.pk}/documents/")
        .json()[-1]
    )
    pdf = client_for(world.applicant).get(doc["download_url"])
    text = "".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "不予受理决定书" in text and "申请人不具备主体资格" in text
    assert "六十日" in text and "六个月" in text and "行政复议" in text


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("申请书.pdf", EXE_BYTES, "file_type_mismatch"),
        ("照片.pdf", PNG_BYTES, "file_type_mismatch"),
        ("照片.jpg", PNG_BYTES, "file_type_mismatch"),
        ("程序.exe", EXE_BYTES, "file_type_not_allowed"),
        ("空.pdf", b"", "file_empty"),
    ],
)
def test_upload_rejections(world, name, content, code):
    c = client_for(world.applicant)
    case_id = c.post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code, "submit": False},
        format="json",
    ).json()["id"]
    r = c.post(
        f"/api/v1/cases/{case_id}/materials/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert r.status_code == 400
    assert r.json()["code"] == code, r.json()
    if code == "file_type_mismatch":
        assert r.json()["message"].startswith("文件内容与类型不符")
    assert CaseMaterial.objects.count() == 0


def test_upload_oversize_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 100
    c = client_for(world.applicant)
    case_id = c.post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code, "submit": False},
        format="json",
    ).json()["id"]
    r = c.post(
        f"/api/v1/cases/{case_id}/materials/", {"file": pdf_file()}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    assert "不能超过" in r.json()["message"]
    assert CaseMaterial.objects.count() == 0


def test_ofd_png_pdf_are_accepted(world):
    c = client_for(world.applicant)
    case_id = c.post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code, "submit": False},
        format="json",
    ).json()["id"]
    for name, content in [
        ("a.ofd", ofd_bytes()),
        ("b.png", PNG_BYTES),
        ("c.PDF", pdf_file().read()),
    ]:
        r = c.post(
            f"/api/v1/cases/{case_id}/materials/",
            {"file": SimpleUploadedFile(name, content)},
            format="multipart",
        )
        assert r.status_code == 201, r.json()
    assert sorted(CaseMaterial.objects.values_list("content_type", flat=True)) == [
        "application/ofd",
        "application/pdf",
        "image/png",
    ]


def test_applicant_cannot_upload_after_submission(submitted, world):
    r = client_for(world.applicant).post(
        f"/api/v1/cases/{submitted.pk}/materials/",
        {"file": pdf_file()},
        format="multipart",
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"


# transaction=True: verify_audit_chain stops at the first break and leaves its
# server-side cursor to the garbage collector; inside a test transaction on
# PostgreSQL the late CLOSE would abort the next test's transaction.
@pytest.mark.django_db(transaction=True)
def test_audit_chain_catches_an_edited_event(submitted, world):
    call_command("verify_audit_chain")
    event = AuditEvent.objects.filter(stream=f"cases.case:{submitted.pk}").order_by(
        "seq"
    )[1]
    AuditEvent.objects.filter(pk=event.pk).update(reason="被篡改")
    with pytest.raises(CommandError) as err:
        call_command("verify_audit_chain")
    assert f"id={event.pk}" in str(err.value) and f"cases.case:{submitted.pk}" in str(
        err.value
    )


@pytest.mark.django_db(transaction=True)
def test_audit_chain_catches_a_removed_event(submitted, world):
    events = AuditEvent.objects.filter(stream=f"cases.case:{submitted.pk}").order_by(
        "seq"
    )
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(CommandError) as err:
        call_command("verify_audit_chain")
    assert "记录缺失" in str(err.value)
    gc.collect()


def test_every_transition_is_in_the_chain(submitted, world):
    client_for(world.counter).post(
        f"/api/v1/cases/{submitted.pk}/accept/", {}, format="json"
    )
    actions = list(
        AuditEvent.objects.filter(stream=f"cases.case:{submitted.pk}")
        .order_by("seq")
        .values_list("action", "to_state")
    )
    assert ("submit", "submitted") in actions and ("accept", "accepted") in actions


def test_public_lookup_shows_status_only(submitted, world):
    anon = APIClient()
    r = anon.get(
        "/api/v1/cases/lookup/",
        {"number": submitted.number, "code": submitted.query_code},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "submitted"
    assert "张三" not in str(body) and "applicant" not in str(body)
    r = anon.get(
        "/api/v1/cases/lookup/", {"number": submitted.number, "code": "WRONG1"}
    )
    assert r.status_code == 404


def test_list_inboxes_for_staff(submitted, world):
    r = client_for(world.counter).get("/api/v1/cases/", {"inbox": "intake"})
    assert [row["id"] for row in r.json()["results"]] == [submitted.pk]
    r = client_for(world.foreign_reviewer).get("/api/v1/cases/", {"inbox": "intake"})
    assert r.json()["results"] == []
    r = client_for(world.counter).get(
        "/api/v1/cases/", {"inbox": "intake", "before": "x"}
    )
    assert r.status_code == 400


def test_openapi_schema_lists_case_actions(db):
    r = APIClient().get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    for action in (
        "accept",
        "request-supplement",
        "supplement",
        "refuse",
        "suspend",
        "resume",
        "extension-request",
        "extension-approve",
        "extension-reject",
        "delivery-not-needed",
        "decide",
        "conclude",
        "withdraw",
    ):
        assert f"/api/v1/cases/{{case_id}}/{action}/" in paths


def test_list_and_detail_do_not_grow_queries_with_rows(
    world, django_assert_max_num_queries
):
    from .conftest import at, complete_case

    for _ in range(3):
        complete_case(world, at(2026, 3, 2))
    c = client_for(world.counter)
    c.get("/api/v1/cases/", {"page_size": 100})
    with django_assert_max_num_queries(6):
        r = c.get("/api/v1/cases/", {"page_size": 100})
    assert len(r.json()["results"]) == 3
    for _ in range(5):
        complete_case(world, at(2026, 3, 2))
    with django_assert_max_num_queries(6):
        r = c.get("/api/v1/cases/", {"page_size": 100})
    assert len(r.json()["results"]) == 8
    case_id = r.json()["results"][0]["id"]
    with django_assert_max_num_queries(16):
        assert c.get(f"/api/v1/cases/{case_id}/").status_code == 200
