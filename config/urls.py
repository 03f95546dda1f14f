"""Root URL map: portal (public), workbench (staff), api, admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "政通 · 政务服务中心管理后台"
admin.site.site_title = "政通管理后台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("zhengtong.api.urls")),
    path("accounts/", include("zhengtong.accounts.urls")),
    path("workbench/", include("zhengtong.workbench.urls")),
    path("queue/", include("zhengtong.queueing.urls")),
    path("cases/", include("zhengtong.cases.urls")),
    path("", include("zhengtong.portal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
