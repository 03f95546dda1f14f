"""Public REST feeds of stats (no login), mounted at /api/v1/public/."""

from . import apis_public

urlpatterns = [
    # 办件公示 (issue 15 item 6)
    *apis_public.urlpatterns,
]
