"""
/api/docs/ describes each case action on its own: its summary, the service's
description, the state changes of the transition table and the error codes
it can return (all derived from the action's one definition, api_docs).
"""

import pytest

from zhengtong.cases.api_docs import actions_checked, errors_raised
from zhengtong.cases.api_urls import ACTIONS, STEP_ACTIONS
from zhengtong.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/cases/{case_id}/"


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def action_operations(schema) -> dict[str, dict]:
    paths = {f"{PREFIX}{slug}/" for slug in ACTIONS}
    paths |= {f"{PREFIX}steps/{{step_id}}/{slug}/" for slug in STEP_ACTIONS}
    return {path: schema["paths"][path]["post"] for path in paths}


def test_every_case_action_has_its_own_summary_and_description(schema):
    operations = action_operations(schema)
    assert len(operations) >= 20
    summaries = [op["summary"] for op in operations.values()]
    assert len(set(summaries)) == len(summaries), summaries
    descriptions = [op["description"] for op in operations.values()]
    assert len(set(descriptions)) == len(descriptions)
    assert summaries.count("改派承办人") == 1
    for path, op in operations.items():
        assert "可能返回的错误" in op["description"], path
        # every action can be refused: not visible, or not in this state/role
        assert {"200", "404"} <= set(op["responses"]), path
        assert "not_found" in op["description"], path


def test_descriptions_come_from_the_service_and_the_transition_table(schema):
    accept = schema["paths"][f"{PREFIX}accept/"]["post"]
    assert accept["summary"] == "受理"
    assert "case_accept" in accept["description"]
    assert "| 受理 | 已收件（待受理） | 已受理 |" in accept["description"]
    assert "`materials_incomplete`" in accept["description"]
    assert "`invalid_transition`" in accept["description"]
    assert "materials_incomplete" in accept["responses"]["409"]["description"]

    refuse = schema["paths"][f"{PREFIX}refuse/"]["post"]
    assert refuse["summary"] == "不予受理"
    assert "| 不予受理 |" in refuse["description"]
    assert "materials_incomplete" not in refuse["description"]

    supplement = schema["paths"][f"{PREFIX}request-supplement/"]["post"]
    assert "`supplement_empty`" in supplement["description"]


def test_error_codes_are_read_from_the_code_that_raises_them():
    def helper(flag):
        if flag:
            raise ApplicationError("helper_said_no", "助手拒绝。", status=409)

    def service(flag):
        helper(flag)
        raise ApplicationError("plain_no", "不行。")

    # helpers outside zhengtong.cases are not followed; the service's own are
    found = errors_raised(service)
    assert found.codes == {"plain_no": {400}}
    assert found.messages["plain_no"] == "不行。"


def test_the_actions_of_a_service_are_the_ones_it_checks():
    from zhengtong.cases import services

    assert actions_checked(services.case_accept) == ["accept"]
    assert set(actions_checked(services.case_decide)) >= {"approve", "deny"}
