"""
REST doors of stats (mounted at /api/v1/stats/ by zhengtong/api/urls.py).

Each part keeps its own ``apis_*.py`` with its own ``urlpatterns``;
add one line here per part.
"""

from . import apis, apis_assessment

urlpatterns = [
    # figures of cases and tickets (issue 15 items 1–2)
    *apis.urlpatterns,
    # the monthly assessment (issue 15 item 3)
    *apis_assessment.urlpatterns,
]
