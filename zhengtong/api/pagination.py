"""Pagination for list endpoints: numbered pages, and keyset pages by id."""

from typing import Any

from rest_framework.pagination import PageNumberPagination

from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def keyset_page(
    qs: Any, params: Any, *, size: int = 20, size_max: int = 100
) -> tuple[list[Any], int | None]:
    """
    One page of ``qs`` (ordered newest id first) after the id ``before``.

    ``params`` are the query parameters: ``before`` (the last id of the page
    before) and ``page_size`` (at most ``size_max``). Returns the rows and the
    ``next_before`` to ask for the next page (None on the last page). A
    parameter that is not a positive id is 400 ``invalid_input``.

    中文：按编号翻页
    """
    before_text = params.get("before") or ""
    size_text = params.get("page_size") or ""
    before = int_id(before_text) if before_text else None
    wanted = int_id(size_text) if size_text else size
    if wanted is None or (before_text and before is None):
        raise ApplicationError("invalid_input", "分页参数须为正整数。")
    if before is not None:
        qs = qs.filter(id__lt=before)
    wanted = min(wanted, size_max)
    rows = list(qs[: wanted + 1])
    more = len(rows) > wanted
    rows = rows[:wanted]
    return rows, (rows[-1].pk if more and rows else None)
