"""
Notices of a 联办件: the 联办件通知书 and the combined decision notice.

They are ordinary ``CaseDocument`` rows (numbered per department, kind and
year; the context fixed when issued; rendered by ``documents.document_render``):
this module adds their number words and templates to the one registry in
documents.py and builds their context. The combined 补正 notice is the
ordinary 补正材料通知书 with one line per branch item (``joint`` set).
"""

from typing import Any

from .constants import DocumentKind
from .documents import NOTICE_WORDS, TEMPLATES

NOTICE_WORDS.setdefault(DocumentKind.JOINT_NOTICE, "联")
NOTICE_WORDS.setdefault(DocumentKind.JOINT_DECISION, "联决")
TEMPLATES.setdefault(DocumentKind.JOINT_NOTICE, "cases/notices/joint_notice.html")
TEMPLATES.setdefault(DocumentKind.JOINT_DECISION, "cases/notices/joint_decision.html")


def branch_rows(branches) -> list[dict[str, Any]]:
    """
    Return the printed lines of the branches: department, role, decision.

    Internal notes never leave the department: only ``opinion`` is printed.

    中文：联办分支（文书行）
    """
    return [
        {
            "department": b.department.name,
            "lead": b.is_lead,
            "status": str(b.get_status_display()),
            "opinion": b.opinion,
            "due_date": b.due_date,
        }
        for b in branches
    ]
