"""Token login for API clients."""

from django.contrib.auth import authenticate, user_logged_in

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError
from zhengtong.core.limits import LoginThrottle

from .throttle import lock_message, login_is_locked_out


class AuthTokenInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class AuthTokenApi(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [LoginThrottle]

    InputSerializer = AuthTokenInput

    @extend_schema(
        request=AuthTokenInput,
        responses=inline_serializer("TokenOutput", {"token": serializers.CharField()}),
        summary="获取接口令牌",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes counts failures on the Django request (one definition
        # for every login door: zhengtong/accounts/throttle.py).
        django_request = request._request
        user = authenticate(
            django_request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if login_is_locked_out(django_request):
            raise ApplicationError("login_locked", lock_message(), status=429)
        if user is None or not user.is_active:
            raise ApplicationError(
                "invalid_credentials", "用户名或密码错误。", status=400
            )
        # A token login is a login: django-axes clears the failures.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
