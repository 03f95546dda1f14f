"""verify_audit_chain compares a case row's state with the last event of its stream."""

import gc

from django.core.management import CommandError, call_command

import pytest

from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case
from zhengtong.core.models import AuditEvent

from .test_apis import submitted  # noqa: F401 - the fixture


# transaction=True: see test_apis.test_audit_chain_catches_an_edited_event.
@pytest.mark.django_db(transaction=True)
def test_a_case_state_edited_beside_its_chain_is_named(submitted):  # noqa: F811
    call_command("verify_audit_chain")
    stream = f"cases.case:{submitted.pk}"
    Case.objects.filter(pk=submitted.pk).update(status=Status.CONCLUDED)
    with pytest.raises(CommandError, match=rf"链 {stream} .*业务状态为 concluded"):
        call_command("verify_audit_chain")
    AuditEvent.objects.filter(stream=stream).delete()
    with pytest.raises(CommandError, match=rf"链 {stream} .*审计链为空"):
        call_command("verify_audit_chain")
    gc.collect()
