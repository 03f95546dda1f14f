"""Cases API, mounted at /api/v1/cases/."""

from django.urls import path

from . import apis, apis_followup, apis_joint, apis_legal

app_name = "cases-api"

ACTIONS = {
    "submit": apis.CaseSubmitApi,
    "accept": apis.CaseAcceptApi,
    "accept-immediately": apis.CaseAcceptImmediatelyApi,
    "request-supplement": apis.CaseRequestSupplementApi,
    "supplement": apis.CaseSupplementApi,
    "refuse": apis.CaseRefuseApi,
    "not-required": apis.CaseNotRequiredApi,
    "refer": apis.CaseReferApi,
    "suspend": apis.CaseSuspendApi,
    "resume": apis.CaseResumeApi,
    "extension-request": apis_legal.CaseExtensionRequestApi,
    "extension-approve": apis_legal.CaseExtensionApproveApi,
    "extension-reject": apis_legal.CaseExtensionRejectApi,
    "decide": apis.CaseDecideApi,
    "issue-certificate": apis.CaseIssueCertificateApi,
    "deliver": apis.CaseDeliverApi,
    "delivery-not-needed": apis_legal.CaseDeliveryNotNeededApi,
    "conclude": apis.CaseConcludeApi,
    "withdraw": apis.CaseWithdrawApi,
    "terminate": apis.CaseTerminateApi,
    "convert-to-committed": apis_followup.CaseConvertToCommittedApi,
    "tolerance-supply": apis_followup.CaseToleranceSupplyApi,
    # 转办 (with "department"), 上报件, 联办件: apis_joint ("refer" keeps the
    # Art. 32 meaning without "department")
    **apis_joint.JOINT_ACTIONS,
}
STEP_ACTIONS = {
    "complete": apis.CaseStepCompleteApi,
    "return": apis.CaseStepReturnApi,
    "reassign": apis.CaseStepReassignApi,
}

urlpatterns = [
    path("", apis.CaseListCreateApi.as_view(), name="case-list"),
    path("intake/", apis.CaseCounterIntakeApi.as_view(), name="case-intake"),
    path("lookup/", apis.CasePublicLookupApi.as_view(), name="case-lookup"),
    path(
        "notifications/", apis.NotificationListApi.as_view(), name="notification-list"
    ),
    path(
        "notifications/<int:notification_id>/read/",
        apis.NotificationReadApi.as_view(),
        name="notification-read",
    ),
    path(
        "documents/<int:document_id>/download/",
        apis.CaseDocumentDownloadApi.as_view(),
        name="document-download",
    ),
    path(
        "materials/<int:material_id>/download/",
        apis.CaseMaterialDownloadApi.as_view(),
        name="material-download",
    ),
    path("<int:case_id>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "<int:case_id>/documents/",
        apis.CaseDocumentListApi.as_view(),
        name="case-documents",
    ),
    path(
        "<int:case_id>/materials/",
        apis.CaseMaterialListApi.as_view(),
        name="case-materials",
    ),
    path(
        "<int:case_id>/supplement-proposal/",
        apis.CaseSupplementProposalApi.as_view(),
        name="case-supplement-proposal",
    ),
    *[
        path(f"<int:case_id>/{slug}/", view.as_view(), name=f"case-{slug}")
        for slug, view in ACTIONS.items()
    ],
    *[
        path(
            f"<int:case_id>/steps/<int:step_id>/{slug}/",
            view.as_view(),
            name=f"case-step-{slug}",
        )
        for slug, view in STEP_ACTIONS.items()
    ],
    *[
        path(
            f"<int:case_id>/branches/<int:branch_id>/{slug}/",
            view.as_view(),
            name=f"case-branch-{slug}",
        )
        for slug, view in apis_joint.BRANCH_ACTIONS.items()
    ],
    path(
        "<int:case_id>/report-package/",
        apis_joint.CaseReportPackageApi.as_view(),
        name="case-report-package",
    ),
    path(
        "packages/verify/",
        apis_joint.PackageVerifyApi.as_view(),
        name="package-verify",
    ),
    path(
        "packages/import/",
        apis_joint.PackageImportApi.as_view(),
        name="package-import",
    ),
    path(
        "<int:case_id>/return-package/",
        apis_joint.CaseReturnPackageApi.as_view(),
        name="case-return-package",
    ),
]
