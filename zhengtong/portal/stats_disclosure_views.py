"""
Portal page of 办件公示 (public disclosure, 八项公开): the cases accepted and
concluded, masked, searchable, bounded pages, and the month's figures per
department.  No login.  Thin: the rows and figures come from
``zhengtong.stats.selectors_disclosure``.
"""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.stats.selectors_disclosure import (
    MAX_PAGE,
    disclosure_month_figures,
    disclosure_page_parse,
    disclosure_query_parse,
    disclosure_rows,
)


def _month(raw: str, today: date) -> date:
    try:
        y, m = raw.split("-")
        month = date(int(y), int(m), 1)
    except ValueError:
        return today.replace(day=1)
    return month if month <= today else today.replace(day=1)


def _months(today: date, n: int = 12) -> list[date]:
    out = []
    y, m = today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


class DisclosureView(View):
    """办件公示: the public list and the month's figures."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        error = ""
        q = ""
        page = 1
        try:
            q = disclosure_query_parse(request.GET.get("q", ""))
            page = disclosure_page_parse(request.GET.get("page"))
        except ApplicationError as exc:
            error = exc.message
        rows, more = ([], False) if error else disclosure_rows(q=q, page=page)
        month = _month(request.GET.get("month", ""), today)
        keep = {k: v for k, v in (("q", q), ("month", f"{month:%Y-%m}")) if v}
        return render(
            request,
            "portal/stats/disclosure.html",
            {
                "rows": rows,
                "q": q,
                "error": error,
                "page": page,
                "prev_url": f"?{urlencode({**keep, 'page': page - 1})}"
                if page > 1
                else "",
                "next_url": f"?{urlencode({**keep, 'page': page + 1})}"
                if more and page < MAX_PAGE
                else "",
                "month": month,
                "months": _months(today),
                "figures": disclosure_month_figures(month),
            },
        )
