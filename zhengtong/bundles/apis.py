"""
The bundles API, mounted at /api/v1/catalog/bundles/ (public reads and the
combined status) — the submission door is ``POST /api/v1/cases/`` with
``bundle_code`` (``cases/apis.py`` hands it to
``bundles.services.bundle_application_submit``).

中文：一件事接口
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import NotFoundError

from . import selectors
from .definitions import definition_get, definition_list
from .serializers import BundleCreatedOutput, BundleOutput, bundle_payload


class BundleListApi(APIView):
    """List the bundles on offer (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="一件事清单", responses=BundleOutput(many=True))
    def get(self, request: Request) -> Response:
        return Response([bundle_payload(d) for d in definition_list()])


class BundleDetailApi(APIView):
    """Return one bundle with its questionnaire (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(summary="一件事详情", responses=BundleOutput)
    def get(self, request: Request, code: str) -> Response:
        definition = definition_get(code=code)
        if definition is None:
            raise NotFoundError("未找到该一件事。")
        return Response(bundle_payload(definition))


class BundleApplicationDetailApi(APIView):
    """The combined status of one bundle application (its visible sub-cases)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="一件事申请进度", responses=BundleCreatedOutput)
    def get(self, request: Request, application_id: int) -> Response:
        application = selectors.bundle_application_get_for_user(
            user=request.user, application_id=application_id
        )
        cases = selectors.bundle_sub_cases_for_user(
            user=request.user, application=application
        )
        return Response(
            {
                "id": application.pk,
                "number": application.number,
                "bundle": application.bundle.code,
                "delivery_method": application.delivery_method,
                "sub_cases": [_sub_case(case) for case in cases],
            }
        )


def _sub_case(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "item_code": case.item.item_code,
        "department": case.department.name,
        "status": case.status,
        "status_label": case.get_status_display(),
        "due_date": case.due_date,
    }
