"""
The 一件事 pages of the portal: the list, the questionnaire (情形引导), the
combined form with the shared materials (submitted once) and the combined
status page of an application.

中文：一件事页面
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View

from zhengtong.bundles import permissions, selectors, services
from zhengtong.bundles.definitions import (
    BundleDefinition,
    definition_get,
    definition_list,
)
from zhengtong.cases.constants import DeliveryMethod
from zhengtong.core.errors import ApplicationError, NotFoundError

from .bundles_forms import ANSWER_PREFIX, BundleApplyForm, QuestionnaireForm

PAGES = "portal/bundles/"


def _definition_or_404(code: str) -> BundleDefinition:
    definition = definition_get(code=code)
    if definition is None:
        raise Http404("未找到该一件事。")
    return definition


class BundleListView(View):
    """
    List the bundles on offer.

    中文：一件事清单
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, PAGES + "list.html", {"bundles": definition_list()})


class BundleQuestionnaireView(View):
    """
    Ask the questionnaire; with answers, show which items apply.

    中文：情形引导
    """

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        definition = _definition_or_404(code)
        asked = any(k.startswith(ANSWER_PREFIX) for k in request.GET)
        form = QuestionnaireForm(request.GET if asked else None, definition=definition)
        chosen, error = None, ""
        if asked and form.is_valid():
            try:
                answers = services.bundle_answers_check(
                    definition=definition, answers=form.answers()
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                chosen = services.bundle_items_select(
                    definition=definition, answers=answers
                )
        return render(
            request,
            PAGES + "questionnaire.html",
            {
                "bundle": definition,
                "form": form,
                "chosen": chosen,
                "error": error,
                "apply_query": urlencode(
                    {
                        k: v
                        for k, v in request.GET.items()
                        if k.startswith(ANSWER_PREFIX)
                    }
                ),
            },
        )


class BundleApplyView(LoginRequiredMixin, View):
    """
    The combined form: shared fields and materials once, one submission.

    中文：一件事合并申请
    """

    def _answers(self, request: HttpRequest, definition: BundleDefinition) -> Any:
        source = request.POST if request.method == "POST" else request.GET
        raw = {
            k[len(ANSWER_PREFIX) :]: v
            for k, v in source.items()
            if k.startswith(ANSWER_PREFIX)
        }
        answers = services.bundle_answers_check(definition=definition, answers=raw)
        items = services.bundle_items_select(definition=definition, answers=answers)
        if not items:
            raise ApplicationError(
                "bundle_nothing_selected", "按您的回答，本一件事没有需要办理的事项。"
            )
        return answers, items

    def _back(self, definition: BundleDefinition) -> HttpResponse:
        return redirect(reverse("portal:bundle", args=[definition.code]))

    def _page(self, request, definition, answers, items, form, error="", status=200):
        return render(
            request,
            PAGES + "apply.html",
            {
                "bundle": definition,
                "answers": [(ANSWER_PREFIX + k, v) for k, v in answers.items()],
                "answer_rows": [
                    (q.text, dict(q.choices).get(answers.get(q.key, ""), "未答"))
                    for q in definition.questions
                ],
                "items": items,
                "form": form,
                "error": error,
            },
            status=status,
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not permissions.can_apply(
            user=request.user
        ):
            return render(request, "cases/pages/not_applicant.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        definition = _definition_or_404(code)
        try:
            answers, items = self._answers(request, definition)
        except ApplicationError:
            return self._back(definition)
        initial = {"f_contact_phone": request.user.phone}
        form = BundleApplyForm(initial=initial, definition=definition, items=items)
        return self._page(request, definition, answers, items, form)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        definition = _definition_or_404(code)
        try:
            answers, items = self._answers(request, definition)
        except ApplicationError:
            return self._back(definition)
        form = BundleApplyForm(
            request.POST, request.FILES, definition=definition, items=items
        )
        if not form.is_valid():
            return self._page(request, definition, answers, items, form, status=400)
        if (
            form.cleaned_data["delivery_method"] == DeliveryMethod.MAIL
            and not form.cleaned_data["delivery_address"].strip()
        ):
            form.add_error("delivery_address", "邮寄送达请填写邮寄地址。")
            return self._page(request, definition, answers, items, form, status=400)
        try:
            application = services.bundle_application_submit(
                bundle_code=definition.code,
                applicant=request.user,
                actor=request.user,
                answers=answers,
                form_data=form.form_data(),
                files=form.files_by_key(),
                delivery_method=form.cleaned_data["delivery_method"],
                delivery_address=form.cleaned_data["delivery_address"],
            )
        except ApplicationError as exc:
            return self._page(
                request, definition, answers, items, form, error=exc.message, status=400
            )
        return redirect(reverse("portal:bundle-application", args=[application.pk]))


class BundleApplicationView(LoginRequiredMixin, View):
    """
    The combined status page: every sub-case the user may see, its
    department, status and due date, the shared files and the delivery.

    中文：一件事办理进度
    """

    def get(self, request: HttpRequest, application_id: int) -> HttpResponse:
        try:
            application = selectors.bundle_application_get_for_user(
                user=request.user, application_id=application_id
            )
        except NotFoundError:
            raise Http404("一件事申请不存在或无权查看。") from None
        cases = selectors.bundle_sub_cases_for_user(
            user=request.user, application=application
        )
        return render(
            request,
            PAGES + "application.html",
            {
                "application": application,
                "cases": cases,
                "owner": permissions.is_owner(
                    user=request.user, application=application
                ),
                "files": selectors.bundle_material_rows(cases=cases),
                "delivery": dict(DeliveryMethod.choices).get(
                    application.delivery_method, "未选择"
                ),
            },
        )


class BundleApplicationListView(LoginRequiredMixin, View):
    """
    The user's bundle applications.

    中文：我的一件事
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.bundle_application_list_for_user(user=request.user)[:50]
        return render(request, PAGES + "mine.html", {"applications": rows})
