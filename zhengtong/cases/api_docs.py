"""
OpenAPI documentation of the case actions, derived from their one definition.

Each action API is built by ``apis._action`` from a summary, an input shape
and a call of one service. Everything else the docs say is read from the code
that runs, so it cannot drift from it:

- the description is the service's docstring;
- the state changes, the actors and the legal conditions come from the
  transition table (``workflow.TRANSITIONS``) for the actions the service
  checks (``transition_check(..., action=Action.X)``);
- the error codes are those the service, the helpers it calls (within
  ``zhengtong.cases``), the guards of its transitions and the common path
  (visibility, status and role checks, input validation) can raise, read from
  their source (``ErrorCode.X``, ``ApplicationError("code", …, status=…)``).

中文：办件操作接口文档
"""

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FunctionType, ModuleType
from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from .constants import Action, ActorKind, ErrorCode, Status

# Calls that raise with a code as their first argument, and their default status.
_RAISERS = {
    "ApplicationError": 400,
    "_refuse": 409,
    "NotFoundError": 404,
    "PermissionDeniedError": 403,
}
_FIXED_CODES = {
    "NotFoundError": "not_found",
    "PermissionDeniedError": "permission_denied",
}
# The common path: these are documented once for every action (see COMMON),
# not once per service that calls them.
_SKIP = {"transition_check", "case_transition", "audit_record", "audit_record_many"}
_COMMON_MEANING = {
    "invalid_input": "请求参数有误（details 列出各字段的问题）",
    "not_authenticated": "未登录或令牌无效",
    "permission_denied": "没有执行此操作的权限",
}
_DEPTH = 3


@dataclass
class Raised:
    """The codes a piece of code can raise: code → HTTP statuses."""

    codes: dict[str, set[int]] = field(default_factory=dict)
    # the message raised with a code that has no ErrorCode label
    messages: dict[str, str] = field(default_factory=dict)

    def add(self, code: str, status: int | None, message: str = "") -> None:
        statuses = self.codes.setdefault(code, set())
        if status is not None:
            statuses.add(status)
        if message and code not in self.messages:
            self.messages[code] = message

    def update(self, other: "Raised") -> None:
        for code, statuses in other.codes.items():
            self.codes.setdefault(code, set()).update(statuses)
        for code, message in other.messages.items():
            self.messages.setdefault(code, message)


def _error_code(node: ast.AST) -> str | None:
    """Return the code an expression names (``ErrorCode.X`` or "x"), if any."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ErrorCode"
        and node.attr in ErrorCode.__members__
    ):
        return str(ErrorCode[node.attr].value)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        if text and text.replace("_", "").isalnum() and text.islower():
            return text
    return None


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _resolve(node: ast.Call, scope: dict[str, Any]) -> Callable | None:
    """Return the function a call names, when it is ours (zhengtong.cases)."""
    func = node.func
    target: Any = None
    if isinstance(func, ast.Name):
        target = scope.get(func.id)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = scope.get(func.value.id)
        if isinstance(owner, ModuleType):
            target = getattr(owner, func.attr, None)
    if (
        isinstance(target, FunctionType)
        and target.__module__.startswith("zhengtong.cases")
        and target.__name__ not in _SKIP
    ):
        return target
    return None


def _tree(func: Callable) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None


def errors_raised(
    func: Callable, *, depth: int = _DEPTH, seen: set | None = None
) -> Raised:
    """
    Return the error codes ``func`` and the functions it calls can raise.

    中文：可能返回的错误码
    """
    seen = set() if seen is None else seen
    found = Raised()
    if func in seen:
        return found
    seen.add(func)
    tree = _tree(func)
    if tree is None:
        return found
    scope = getattr(func, "__globals__", {})
    in_calls: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in _RAISERS:
            status = _RAISERS[name]
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "status"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, int)
                ):
                    status = value.value
            code = _FIXED_CODES.get(name)
            if code is None and node.args:
                code = _error_code(node.args[0])
                in_calls.add(id(node.args[0]))
            message = ""
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                message = str(node.args[1].value)
            if code:
                found.add(code, status, message)
        elif depth > 0:
            callee = _resolve(node, scope)
            if callee is not None:
                found.update(errors_raised(callee, depth=depth - 1, seen=seen))
    for node in ast.walk(tree):  # ErrorCode.X handed on (a helper raises it)
        if id(node) not in in_calls and isinstance(node, ast.Attribute):
            code = _error_code(node)
            if code:
                found.add(code, None)
    return found


def actions_checked(func: Callable) -> list[str]:
    """
    Return the workflow actions ``func`` checks or performs (``Action.X``).

    中文：对应的办件操作
    """
    tree = _tree(func)
    if tree is None:
        return []
    names = {"Action", "A"}
    found: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and node.attr in Action.__members__
        ):
            value = str(Action[node.attr].value)
            if value not in found:
                found.append(value)
    return found


def service_of(perform: Callable, services: ModuleType) -> Callable | None:
    """
    Return the service an action's call performs (``services.case_accept``).

    中文：操作所调用的服务
    """
    code = getattr(perform, "__code__", None)
    for name in code.co_names if code else ():
        target = getattr(services, name, None)
        if isinstance(target, FunctionType) and name.startswith("case_"):
            return target
    return None


def _docstring(func: Callable | None) -> str:
    text = (inspect.getdoc(func) or "") if func else ""
    lines = [line for line in text.splitlines() if not line.startswith("中文：")]
    return "\n".join(lines).strip()


def _labels(values: Iterable[str], choices: Any) -> str:
    labels = dict(choices.choices)
    return "、".join(str(labels.get(v, v)) for v in sorted(values))


def _transitions(actions: list[str]) -> tuple[list[str], Raised]:
    from . import workflow

    guards_by_name = getattr(workflow, "GUARDS", {})
    rows: list[str] = []
    raised = Raised()
    for action in actions:
        grouped: dict[tuple, list[str]] = {}
        for (state, act), tr in workflow.TRANSITIONS.items():
            if act != action:
                continue
            key = (tr.to, tr.actors, tuple(getattr(tr, "guards", ())))
            grouped.setdefault(key, []).append(state)
        for (to, actors, guards), states in grouped.items():
            target = (
                "恢复暂停前的状态" if to == workflow.PREVIOUS else _labels([to], Status)
            )
            conditions = []
            for name in guards:
                guard = guards_by_name.get(name)
                codes = errors_raised(guard, depth=1) if guard else Raised()
                raised.update(codes)
                conditions.append(
                    f"`{name}`（{', '.join(sorted(codes.codes)) or '—'}）"
                )
            rows.append(
                f"| {Action(action).label} | {_labels(states, Status)} | {target} "
                f"| {_labels(actors, ActorKind)} | {'；'.join(conditions) or '—'} |"
            )
    return rows, raised


def _meaning(code: str, raised: Raised) -> str:
    if code in ErrorCode.values:
        return str(ErrorCode(code).label)
    return _COMMON_MEANING.get(code) or raised.messages.get(code, "")


def _common() -> Raised:
    """The codes every case action can answer with, from the common path."""
    from .selectors import case_get_for_user
    from .workflow import transition_check

    common = Raised()
    common.add("invalid_input", 400)
    common.add("not_authenticated", 401)
    common.update(errors_raised(case_get_for_user, depth=1))
    common.update(errors_raised(transition_check, depth=0))
    return common


def action_schema(
    *, summary: str, input_serializer: type, perform: Callable, output: Any
) -> dict[str, Any]:
    """
    Return the ``extend_schema`` arguments of one case action API.

    中文：办件操作接口说明
    """
    from . import services

    service = service_of(perform, services)
    actions = actions_checked(service) if service else []
    rows, raised = _transitions(actions)
    if service is not None:
        raised.update(errors_raised(service))
    common = _common()
    raised.update(common)
    by_status: dict[int, list[str]] = {}
    table = ["| HTTP | code | 含义 |", "| --- | --- | --- |"]
    for code in sorted(raised.codes, key=lambda c: (min(raised.codes[c] or {400}), c)):
        statuses = sorted(raised.codes[code]) or [400]
        for status in statuses:
            by_status.setdefault(status, []).append(code)
        http = "/".join(str(s) for s in statuses)
        table.append(f"| {http} | `{code}` | {_meaning(code, raised)} |")
    parts = [_docstring(service) or summary]
    if service is not None:
        parts.append(f"服务：`{service.__module__}.{service.__name__}`")
    if rows:
        parts.append(
            "**状态流转**（`cases.workflow.TRANSITIONS`）\n\n"
            "| 操作 | 当前状态 | 结果状态 | 可执行人 | 条件（错误码） |\n"
            "| --- | --- | --- | --- | --- |\n" + "\n".join(rows)
        )
    parts.append(
        '**可能返回的错误**：响应体 `{"code", "message", "details"?}`\n\n'
        + "\n".join(table)
    )
    responses: dict[int, Any] = {200: output}
    for status, codes in sorted(by_status.items()):
        responses[status] = OpenApiResponse(
            response=ERROR_OUTPUT, description="、".join(sorted(codes))
        )
    return {
        "summary": summary,
        "description": "\n\n".join(parts),
        "request": input_serializer,
        "responses": responses,
    }


ERROR_OUTPUT = inline_serializer(
    name="ErrorOutput",
    fields={
        "code": serializers.CharField(help_text="稳定的错误码，客户端据此判断"),
        "message": serializers.CharField(help_text="给人看的中文说明"),
        "details": serializers.DictField(required=False, help_text="补充信息"),
    },
)
