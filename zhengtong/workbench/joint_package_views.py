"""
Workbench page 上报件收件 (``joint/packages/``): upload a signed package from
another installation — a 上报件 from the lower level (it becomes an accepted
case here) or the upper level's decision on a case reported from here — and
see what the department took in. Thin: every rule is in
``zhengtong.cases`` (``services.package_import``, ``selectors_packages``); a
refused package shows its Chinese message on the same page and changes
nothing.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.cases import permissions, selectors_packages, services
from zhengtong.cases.models_joint import PackageKind
from zhengtong.core.errors import ApplicationError

from .views import StaffRequiredMixin

TEMPLATE = "workbench/joint/packages.html"


class PackageReceiveView(StaffRequiredMixin, View):
    """上报件收件: the upload form and the department's receipts."""

    def _page(self, request: HttpRequest, error: str = "", status: int = 200):
        return render(
            request,
            TEMPLATE,
            {
                "receipts": selectors_packages.package_receipts_for_user(
                    user=request.user
                ),
                "may_upload": permissions.is_department_staff(request.user),
                "error": error,
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        upload = request.FILES.get("file")
        try:
            receipt, created = services.package_import(
                actor=request.user,
                data=upload.read() if upload is not None else b"",
            )
        except ApplicationError as exc:
            return self._page(request, error=exc.message, status=exc.status)
        if receipt.kind == PackageKind.RETURN:
            done = (
                f"已导入{receipt.origin_authority}的决定，"
                f"办件 {receipt.case.number} 的上报已登记反馈并附上级机关决定书。"
            )
        elif created:
            done = (
                f"上报件已收件并受理：本机关办件 {receipt.case.number}"
                f"（下级办件 {receipt.origin_number}），办理时限自今日起计算。"
            )
        else:
            done = (
                f"该案卷包已于{receipt.received_at:%Y-%m-%d}导入，"
                f"对应办件 {receipt.case.number}，未重复创建。"
            )
        messages.success(request, done)
        return redirect("workbench:joint-packages")
