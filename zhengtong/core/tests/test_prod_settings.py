"""Safe production defaults: no start on public defaults, TLS on, media closed.

Each settings module is loaded in a child process (settings are read once
per process)."""

import json
import os
import subprocess
import sys

from django.conf import settings

import pytest

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "a-real-secret-of-the-operator-0123456789abcdef",
    "ALLOWED_HOSTS": "zhengtong.example.gov.cn",
    "AUDIT_HMAC_KEY": "a-real-audit-key-of-the-operator-0123456789",
}
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
    " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
    " getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
)


def _run(env_extra: dict[str, str], *, drop=(), code: str = SHOW):
    env = {**os.environ, **env_extra}
    for name in (
        "SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_HMAC_KEY", "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER", *drop,
    ):  # fmt: skip
        if name not in env_extra or name in drop:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_enforce_tls():
    out = _run(PROD_ENV)
    assert out.returncode == 0, out.stderr
    redirect, session, csrf, hsts, proxy = json.loads(out.stdout.splitlines()[-1])
    assert redirect and session and csrf and hsts >= 31536000 and proxy is None


def test_behind_a_tls_terminating_proxy():
    out = _run({**PROD_ENV, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})
    assert out.returncode == 0, out.stderr
    proxy = json.loads(out.stdout.splitlines()[-1])[4]
    assert proxy == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", "dev-only-insecure-key-change-me-zhengtong"),
        ("ALLOWED_HOSTS", None),
        ("AUDIT_HMAC_KEY", None),
        ("AUDIT_HMAC_KEY", "dev-only-audit-key-zhengtong-not-secret"),
    ],
)
def test_production_refuses_to_start_on_a_missing_or_public_default(name, value):
    env = dict(PROD_ENV)
    if value is None:
        env.pop(name)
        out = _run(env, drop=(name,))
    else:
        env[name] = value
        out = _run(env)
    assert out.returncode != 0
    assert f"生产配置缺少环境变量 {name}" in out.stderr


def test_the_demo_starts_without_keys_and_makes_its_own(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.SECRET_KEY, s.AUDIT_HMAC_KEY, s.SECURE_SSL_REDIRECT]))"
    )
    demo = {"DJANGO_SETTINGS_MODULE": "config.settings.demo", "VAR_DIR": str(tmp_path)}
    first = _run(demo, code=code)
    assert first.returncode == 0, first.stderr
    secret, audit_key, redirect = json.loads(first.stdout.splitlines()[-1])
    assert len(secret) > 40 and "dev-only" not in secret + audit_key
    assert redirect is False  # the demo is served over plain HTTP
    again = json.loads(_run(demo, code=code).stdout.splitlines()[-1])
    assert again[:2] == [secret, audit_key]  # kept in VAR_DIR/demo-keys


def test_case_files_are_never_served_from_media_even_with_debug():
    """Under the development settings (DEBUG on) /media/ serves the catalogue's
    public downloads only; case files go through the permission-checked views."""
    code = (
        "import django; django.setup();"
        "from django.urls import resolve, Resolver404\n"
        "print(resolve('/media/catalog/forms/a.pdf').url_name or 'serve')\n"
        "try:\n    resolve('/media/cases/2026/x.pdf'); print('SERVED')\n"
        "except Resolver404:\n    print('closed')"
    )
    out = _run(
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "true"}, code=code
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "closed"
