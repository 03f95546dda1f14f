"""Test-only URLs: views that lose their database connection once."""

from django.db import OperationalError, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from zhengtong.core.audit import audit_record

FAILS_LEFT = {"n": 0}


@csrf_exempt
def write_view(request):
    """Write one audit event, but lose the connection before COMMIT while FAILS_LEFT."""
    with transaction.atomic():
        audit_record(action="retry_test", stream="test.retry:1", actor="系统")
        if FAILS_LEFT["n"] > 0:
            FAILS_LEFT["n"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
    return JsonResponse({"body": request.body.decode()}, status=201)


urlpatterns = [
    path("api/write/", write_view),
    path("page/write/", write_view),
]
