"""
Writes of agency: 代办/帮办 assignments, major projects (四办), green
channel marks, 统一出件. Callers import this package; the names below are
its interface.
"""

from .assignments import (
    assignment_assign,
    assignment_authorise,
    assignment_close,
    assignment_request,
    assignment_supplement_submit,
    officer_register,
)
from .guidance import guidance_record_create
from .handover import handover_notify_ready, handover_preference_set, handover_record
from .handover_bundle import handover_record_bundle
from .marks import (
    TICKET_PRIORITY,
    priority_mark_case,
    priority_mark_revoke,
    priority_mark_ticket,
)
from .projects import (
    NOT_MAJOR,
    MajorVerdict,
    major_project_advance,
    major_project_check,
    major_project_register,
    major_rule_get,
)

__all__ = [
    "NOT_MAJOR",
    "TICKET_PRIORITY",
    "MajorVerdict",
    "assignment_assign",
    "assignment_authorise",
    "assignment_close",
    "assignment_request",
    "assignment_supplement_submit",
    "guidance_record_create",
    "handover_notify_ready",
    "handover_preference_set",
    "handover_record",
    "handover_record_bundle",
    "major_project_advance",
    "major_project_check",
    "major_project_register",
    "major_rule_get",
    "officer_register",
    "priority_mark_case",
    "priority_mark_revoke",
    "priority_mark_ticket",
]
