"""Root URL map: portal (public), workbench (staff), api, admin."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from zhengtong.accounts.forms import AdminLoginForm
from zhengtong.core import views as core_views

admin.site.site_header = "政通 · 政务服务中心管理后台"
admin.site.site_title = "政通管理后台"
admin.site.index_title = "数据管理"
# the admin login shows the lockout of every login door (django-axes)
admin.site.login_form = AdminLoginForm

# Chinese error pages (templates/404.html, 500.html) and JSON under /api/;
# the 403 page is templates/403.html (Django's default handler).
handler404 = core_views.page_not_found
handler500 = core_views.server_error

urlpatterns = [
    path("favicon.ico", core_views.favicon),
    path("admin/", admin.site.urls),
    path("api/", include("zhengtong.api.urls")),
    path("accounts/", include("zhengtong.accounts.urls")),
    path("workbench/", include("zhengtong.workbench.urls")),
    path("queue/", include("zhengtong.queueing.urls")),
    path("cases/", include("zhengtong.cases.urls")),
    path("", include("zhengtong.portal.urls")),
]

# The catalogue's blank forms and samples are public downloads (the guide
# links them); case files and notices never are, under any settings (DEBUG
# too): they go through views that check who asks. Behind a web server, serve
# /media/catalog/ there and nothing else of MEDIA_ROOT.
urlpatterns += [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}catalog/(?P<path>.+)$",
        serve,
        # rooted at catalog/: "catalog/../cases/…" cannot leave it
        {"document_root": Path(settings.MEDIA_ROOT) / "catalog"},
    )
]
