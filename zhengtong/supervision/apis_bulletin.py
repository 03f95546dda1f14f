"""
/api/v1/supervision/bulletin/: the monthly bulletin's figures (督查通报).

``GET ?month=YYYY-MM[&region=CODE]`` answers the figures as JSON;
``&format=pdf`` the same bulletin as a PDF.  Supervisors and centre
administrators see the whole centre (or region), a department head their
department's rows only; anyone else gets 403, a bad month 400
``invalid_input``.
"""

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError

from . import permissions
from .constants import ErrorCode
from .services.bulletin import (
    bulletin_figures,
    bulletin_pdf_render,
    bulletin_scope_name,
    bulletin_text,
    month_parse,
)


class BulletinApi(APIView):
    """The figures of a month's bulletin, as JSON or PDF."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request, force=False):
        # ``format=pdf`` is this operation's own parameter, not a renderer:
        # every answer but the PDF itself is JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="督查通报数据",
        operation_id="supervision_bulletin",
        parameters=[
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("region", str, description="区划代码（缺省：全中心）"),
            OpenApiParameter("format", str, enum=["json", "pdf"]),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request):
        department = permissions.supervision_scope(request.user)
        month = month_parse(request.query_params.get("month"))
        region = (request.query_params.get("region") or "").strip()
        if len(region) > 12 or not (region.isdigit() or region == ""):
            raise ApplicationError(ErrorCode.INVALID_INPUT, "区划代码须为数字。")
        output = request.query_params.get("format") or "json"
        if output not in ("json", "pdf"):
            raise ApplicationError(ErrorCode.INVALID_INPUT, "format 须为 json 或 pdf。")
        figures = bulletin_figures(
            month=month, region_code=region, department_id=department
        )
        if output == "json":
            return Response(figures)
        scope_name = bulletin_scope_name(region_code=region, department_id=department)
        pdf = bulletin_pdf_render(
            figures=figures,
            text=bulletin_text(figures=figures, scope_name=scope_name),
            scope_name=scope_name,
            issued_on=timezone.localdate(),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="bulletin-{month:%Y-%m}.pdf"'
        )
        return response


urlpatterns = [
    path("bulletin/", BulletinApi.as_view(), name="supervision-bulletin"),
]
