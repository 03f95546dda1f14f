"""
A case event's notifications and notice PDF are requested in the event's own
transaction (the outbox, issue 17 item 8): a web process killed after COMMIT
but before its after-commit hook loses nothing, and nothing is sent twice.
"""

from datetime import timedelta

import pytest

from zhengtong.cases.models import CaseDocument, Notification
from zhengtong.core.models import OutboxJob
from zhengtong.core.outbox import outbox_relay, outbox_run

from .conftest import complete_case

pytestmark = pytest.mark.django_db


def test_submission_requests_its_notification_in_the_same_transaction(
    world, frozen_today, django_capture_on_commit_callbacks
):
    # the process dies after COMMIT: the after-commit hooks never run
    with django_capture_on_commit_callbacks(execute=False):
        case = complete_case(world, None)
    job = OutboxJob.objects.get(job__endswith="notification_send")
    assert job.args == {"case_id": case.pk, "event": "submitted", "extra": {}}
    assert job.state == OutboxJob.State.PENDING
    assert not Notification.objects.filter(case=case).exists()

    frozen_today.shift(timedelta(seconds=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_relay() == 1
    (note,) = Notification.objects.filter(case=case, event="submitted")
    assert note.user_id == world.applicant.pk
    # a second hand-off of the same job (a duplicate queue message) sends nothing
    assert outbox_run(job.pk) == "skipped"
    assert Notification.objects.filter(case=case, event="submitted").count() == 1


def test_a_notice_pdf_is_rendered_by_an_outbox_job(
    world, django_capture_on_commit_callbacks
):
    from zhengtong.cases import services

    with django_capture_on_commit_callbacks(execute=True):
        case = complete_case(world, None)
        services.case_accept(case=case, actor=world.counter)
    document = CaseDocument.objects.filter(case=case).exclude(file="").first()
    assert document is not None and document.sha256
    jobs = OutboxJob.objects.filter(job__endswith="document_render_job")
    assert jobs.exists() and not jobs.exclude(state="done").exists()
