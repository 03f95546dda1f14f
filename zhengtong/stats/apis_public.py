"""
/api/v1/public/disclosure/: the public feed of 办件公示 (no login), for the
upper-level platform.

``GET /api/v1/public/disclosure/?page=N&q=…`` → ``{"page", "has_next",
"results": [{"number", "item", "department", "applicant", "accepted_on",
"concluded_on", "result", "on_time"}]}``: the same rows as the public
page, the applicant's name masked (``selectors_disclosure``).  Bad page
or search → 400 ``invalid_page`` / ``invalid_input``.
"""

from django.urls import path

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors_disclosure import (
    disclosure_page_parse,
    disclosure_query_parse,
    disclosure_rows,
)


class DisclosureFeedApi(APIView):
    """The public feed of accepted and concluded cases."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="办件公示（公开，无需登录）",
        description=(
            "已受理、已办结的办件：编号、事项、部门、申请人（自然人姓名脱敏，企业名称照登记）、"
            "受理与办结日期、结果、是否按时。每页 20 条，最多 100 页。"
            "错误码：invalid_page、invalid_input（400）。"
        ),
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("q", str, description="办件编号开头或事项名称"),
        ],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        page = disclosure_page_parse(request.query_params.get("page"))
        q = disclosure_query_parse(request.query_params.get("q", ""))
        rows, more = disclosure_rows(q=q, page=page)
        return Response({"page": page, "has_next": more, "results": rows})


urlpatterns = [
    path("disclosure/", DisclosureFeedApi.as_view(), name="public-disclosure"),
]
