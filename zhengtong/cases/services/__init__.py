"""
Services of cases: every write, above all every state change.

All services take keyword-only arguments, run in one transaction, lock the
case row, change status only through ``workflow.case_transition`` (which
writes the hash-chained audit event) and queue notices and notifications
after commit. ``now`` may be passed for tests and jobs; it defaults to
``timezone.now()``.

The package splits them along the sections of the lifecycle; every name
is re-exported here, so callers import from ``zhengtong.cases.services``.
"""

from ._base import (  # noqa: F401
    DEFAULT_STEPS,
    _issue,
    _lock,
    _notify,
    _now,
    _received,
    _require,
    _snapshot_applicant,
    _version_for,
)
from .applications import (  # noqa: F401
    CaseApplication,
    case_create,
    case_create_many,
)
from .clocks import (  # noqa: F401
    CLOCK_FIELDS,
    _clock_apply,
    case_clock_recompute,
    case_clocks_refresh,
    case_resume,
    case_suspend,
)
from .creation import (  # noqa: F401
    MATERIAL_EDIT_STATUSES,
    _material_store,
    case_counter_intake,
    case_counter_intake_walk_in,
    case_draft_save,
    case_draft_update,
    case_material_add,
    case_submit,
)
from .decision import (  # noqa: F401
    _stop_everything,
    case_certificate_issue,
    case_conclude,
    case_decide,
    case_deliver,
    case_delivery_not_needed,
    case_terminate,
    case_withdraw,
)
from .extensions import (  # noqa: F401
    case_extension_approve,
    case_extension_reject,
    case_extension_request,
)
from .intake import (  # noqa: F401
    _close_without_decision,
    _deem_accept_locked,
    _deem_if_overdue,
    _deems_first,
    _missing_required,
    _supplement_items,
    case_accept,
    case_accept_immediately,
    case_deem_accepted_overdue,
    case_mark_not_required,
    case_refer,
    case_refuse,
    case_supplement_proposal,
    case_supplement_request,
    case_supplement_submit,
)
from .joint import (  # noqa: F401
    branch_decide,
    branch_extension_request,
    branch_resume,
    branch_supplement_ask,
    branch_suspend,
    joint_meeting_record,
    joint_supplement_send,
)
from .joint_steps import (  # noqa: F401
    branch_step_complete,
)
from .notifications import (  # noqa: F401
    notification_mark_read,
)
from .referral import (  # noqa: F401
    referral_confirm,
    referral_request,
)
from .report_import import (  # noqa: F401
    package_import,
    return_package_build,
)
from .report_up import (  # noqa: F401
    case_report_return,
    case_report_up,
)
from .steps import (  # noqa: F401
    _active_step,
    _pick_assignee,
    _step_reassign,
    _step_start,
    _steps_create,
    _system_reassign_record,
    _system_reassign_record_full,
    _templates_for,
    case_step_complete,
    case_step_reassign,
    case_step_reassign_for_absent,
    case_step_return,
    step_templates_set,
)
