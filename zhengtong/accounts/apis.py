"""Token login for API clients."""

from django.contrib.auth import authenticate

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError

from .throttle import (
    client_ip,
    login_check_not_locked,
    login_failure_record,
    login_success_record,
)


class AuthTokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class AuthTokenApi(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    InputSerializer = AuthTokenInput

    @extend_schema(
        request=AuthTokenInput,
        responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
        summary="获取接口令牌",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        ip = client_ip(request)
        login_check_not_locked(username=username, ip=ip)
        user = authenticate(
            request, username=username, password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            login_failure_record(username=username, ip=ip)
            raise ApplicationError(
                "invalid_credentials", "用户名或密码错误。", status=400
            )
        login_success_record(username=username, ip=ip)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
