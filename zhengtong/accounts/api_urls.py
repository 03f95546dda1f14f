from django.urls import path

from .apis import AuthTokenApi

urlpatterns = [path("token/", AuthTokenApi.as_view(), name="api-auth-token")]
