"""
/api/v1/feedback/…: ratings (好差评), rectifications (差评整改), complaints
(投诉), the first-question register (首问登记).

Each part keeps its doors in its own ``apis_*.py`` and adds one import and
one line here.
"""

from . import apis_complaints, apis_first_questions, apis_ratings, apis_rectifications

urlpatterns = [
    *apis_ratings.urlpatterns,
    *apis_rectifications.urlpatterns,
    *apis_complaints.urlpatterns,
    *apis_first_questions.urlpatterns,
]
