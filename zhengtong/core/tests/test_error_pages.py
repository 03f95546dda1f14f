"""
The site as a visitor meets it with DEBUG off (demo and production): Chinese
404 and 500 pages, JSON errors under /api/, a favicon, public catalogue
downloads and nothing else from the media folder, demo settings without
DEBUG that answer on the public address.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory

import pytest

from zhengtong.core import views as core_views

pytestmark = pytest.mark.django_db


def test_an_unknown_page_gets_the_chinese_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert "Page not found" not in page
    assert 'href="/cases/lookup/"' in page  # 办件查询
    assert 'name="q"' in page  # a search box for items
    assert "site-footer" in page  # the site's own layout


def test_a_chinese_not_found_message_is_shown_an_english_one_is_not(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    request = rf.get("/queue/display/")
    request.user = AnonymousUser()
    page = core_views.page_not_found(request, Http404("尚未配置大厅。"))
    assert "尚未配置大厅。" in page.content.decode()
    page = core_views.page_not_found(
        request, Http404("No Case matches the given query.")
    )
    assert "No Case matches" not in page.content.decode()
    assert "您访问的页面不存在" in page.content.decode()


def test_an_unknown_api_address_answers_in_the_api_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["code"] == "not_found"
    assert "接口不存在" in body["message"]


def test_the_500_page_is_chinese_and_needs_no_request_context():
    from config import urls as root_urls

    assert root_urls.handler500 is core_views.server_error
    assert root_urls.handler404 is core_views.page_not_found
    response = core_views.server_error(RequestFactory().get("/cases/mine/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务暂时不可用" in page and "12345" in page
    api = core_views.server_error(RequestFactory().get("/api/v1/cases/"))
    assert json.loads(api.content)["code"] == "server_error"


def test_favicon_exists_and_every_page_links_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert response["Location"].startswith(settings.STATIC_URL)
    static_dir = Path(settings.BASE_DIR) / "static"
    assert (static_dir / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (static_dir / "favicon.svg").exists()
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page


def test_media_serves_catalogue_downloads_only(client, settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "catalog" / "forms").mkdir(parents=True, exist_ok=True)
    (media / "catalog" / "forms" / "空白表.txt").write_text("表格", encoding="utf-8")
    (media / "cases").mkdir(parents=True, exist_ok=True)
    (media / "cases" / "secret.txt").write_text("身份证", encoding="utf-8")
    response = client.get("/media/catalog/forms/空白表.txt")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "表格"
    assert client.get("/media/cases/secret.txt").status_code == 404
    for sneaky in (
        "/media/catalog/../cases/secret.txt",
        "/media/catalog/%2e%2e/cases/secret.txt",
    ):
        response = client.get(sneaky)
        assert response.status_code in (400, 404)
        assert "身份证" not in response.content.decode()


def test_demo_settings_run_without_debug_on_the_public_address():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.demo",
        "PUBLIC_BASE_URL": "http://192.168.1.20:9000",
    }
    env.pop("ALLOWED_HOSTS", None)
    env.pop("DEBUG", None)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS,"
        " s.STORAGES['staticfiles']['BACKEND']]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    debug, hosts, origins, storage = json.loads(out.stdout.strip().splitlines()[-1])
    assert debug is False
    assert "192.168.1.20" in hosts and "127.0.0.1" in hosts
    assert origins == ["http://192.168.1.20:9000"]
    assert storage.startswith("whitenoise.")


def test_a_host_not_ours_gets_the_chinese_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求无法处理" in page and "Bad Request" not in page


def test_an_expired_form_gets_the_chinese_csrf_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page
