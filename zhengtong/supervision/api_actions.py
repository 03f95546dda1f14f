"""
One way to build an action API of supervision (orders and breaches alike).

An action API is a thin class over a base that loads the object as the user
may see it, validates the input and calls ``perform``.  Its OpenAPI entry is
put on the class (not on the shared ``post`` function, where the last
action's summary would become every action's), with the service's own
docstring as the description and the errors every action may answer.
"""

import inspect
from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema

COMMON_ERRORS = (
    '错误响应体 `{"code", "message"}`：`not_permitted`（403，无权操作）、'
    "`not_found`（404，不存在或不在本人监察范围）、`invalid_state`（409，当前状态不允许）、"
    "`invalid_input`（400，输入有误）。"
)


def action_api(
    *,
    base: type,
    name: str,
    summary: str,
    input_serializer: type,
    perform: Callable[..., Any],
    service: Callable[..., Any],
    output: Any,
    parsers: list[type] | None = None,
) -> type:
    """Return the API class of one action, documented from its service."""
    attrs: dict[str, Any] = {
        "InputSerializer": input_serializer,
        "perform": lambda self, **kw: perform(**kw),
        "__doc__": summary,
        "__module__": base.__module__,
    }
    if parsers:
        attrs["parser_classes"] = parsers
    cls = type(name, (base,), attrs)
    doc = inspect.getdoc(service) or summary
    description = (
        f"{doc}\n\n服务：`{service.__module__}.{service.__name__}`\n\n{COMMON_ERRORS}"
    )
    responses = {
        200: output,
        400: OpenApiResponse(description="输入有误"),
        403: OpenApiResponse(description="无权操作"),
        404: OpenApiResponse(description="不存在或无权查看"),
        409: OpenApiResponse(description="当前状态不允许"),
    }
    return extend_schema(
        summary=summary,
        description=description,
        request=input_serializer,
        responses=responses,
    )(cls)
