"""
Base settings: everything lives here and reads the environment.

dev/test/prod only override. Secrets come only from the environment.
"""

import datetime as dt
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-zhengtong")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Audit chain (zhengtong/core/audit.py, docs/operations.md "审计链"): records
# are sealed with HMAC-SHA256 under this key, kept outside the database. The
# default is for the demo and development only; production refuses it.
AUDIT_HMAC_KEY_DEV_DEFAULT = "dev-only-audit-key-zhengtong-not-secret"
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default=AUDIT_HMAC_KEY_DEV_DEFAULT)
# Signed, append-only checkpoints of the chains' heads (written hourly by the
# worker and by `manage.py audit_checkpoint`); keep a copy off this machine.
AUDIT_CHECKPOINT_FILE = Path(
    env("AUDIT_CHECKPOINT_FILE", default=str(VAR_DIR / "audit" / "checkpoints.jsonl"))
)
# Rows whose state verify_audit_chain compares with their stream's last event.
AUDIT_STATE_FIELDS = {"cases.case": "status"}

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "channels",
    "huey.contrib.djhuey",
    "import_export",
    "axes",
    # foundation
    "zhengtong.core",
    "zhengtong.catalog",
    "zhengtong.workdays",
    "zhengtong.accounts",
    # domain
    "zhengtong.cases",
    "zhengtong.queueing",
    "zhengtong.bundles",
    "zhengtong.fees",
    "zhengtong.agency",
    "zhengtong.supervision",
    "zhengtong.feedback",
    "zhengtong.stats",
    # presentation
    "zhengtong.portal",
    "zhengtong.workbench",
    "zhengtong.api",
    "zhengtong.demo",
]

# One list that every request passes, pages and API alike (tested:
# zhengtong/api/tests/test_middleware.py).
MIDDLEWARE = [
    # a request id in every log line and API error; ids and parameters no
    # database stores refused (zhengtong/core/middleware.py)
    "zhengtong.core.middleware.RequestIdMiddleware",
    "zhengtong.core.middleware.InputBoundsMiddleware",
    # a request whose database connection was lost (a PostgreSQL restart) is
    # run again when that cannot do its work twice (zhengtong/core/middleware_db.py)
    "zhengtong.core.middleware_db.DatabaseRetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # login lockout on every door (zhengtong/accounts/throttle.py); last
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp) on every page, under every settings
# module: scripts only from our own static files (no inline script, no
# eval), style attributes allowed (docs/operations.md "内容安全策略"), images
# also as data: URIs (the QR codes), WebSockets to our own host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengtong.core.context_processors.site",
                "zhengtong.portal.context_processors.nav",
                "zhengtong.workdays.context_processors.calendar_notice",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'zhengtong.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
    }
    # Opening a SQLite connection and running the PRAGMAs above cost about a
    # third of a cached page; a local file needs no health check, so keep
    # each worker thread's connection open.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("SQLITE_CONN_MAX_AGE", default=600)
else:
    if env.bool("DB_POOL", default=True):
        # Under ASGI persistent connections don't apply; a psycopg pool does.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=20),
            "timeout": 10,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
    # a connection is checked before it is used (with the pool, Django gives it
    # psycopg's check_connection), so a PostgreSQL restart costs a reconnect,
    # not a 500 from a stale connection (issue 17)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side binding, and psycopg preparing a statement the fifth time a
    # connection runs it (Django turns preparing off unless asked), so that
    # PostgreSQL stops parsing and planning the hot statements again and again.
    if env.bool("DB_PREPARE", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Login lockout on every door (web, admin, token API): django-axes records
# failures per username and client address in the database (shared by every
# worker; listed in the admin) and locks for the cool-off time
# (zhengtong/accounts/throttle.py; docs/operations.md).
AUTHENTICATION_BACKENDS = [
    "zhengtong.accounts.throttle.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True  # failures only: no row per successful login
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(
    seconds=env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhengtong.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "zhengtong.accounts.throttle.client_ip"
AXES_VERBOSE = False
LOGIN_URL = "accounts:login"
# Each role's start page (portal.nav.role_home_url): supervision, workbench, 我的办件.
LOGIN_REDIRECT_URL = "portal:role-home"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Uploads: materials are checked by content and size in cases.uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Content checks of uploads (cases/uploads.py): a zip container (OFD, DOCX)
# decompresses to at most this much and holds at most this many entries; an
# image decodes to at most this many pixels.
UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
UPLOAD_ZIP_MAX_ENTRIES = env.int("UPLOAD_ZIP_MAX_ENTRIES", default=2000)
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=60_000_000)
# Bounded requests, refused before the body is read (zhengtong/core/bounded.py;
# docs/operations.md): a body of JSON or a form, one multipart upload request
# (several materials, each still at most UPLOAD_MAX_BYTES), the request line
# and the header block.
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
REQUEST_MAX_UPLOAD_BYTES = env.int(
    "REQUEST_MAX_UPLOAD_BYTES", default=2 * UPLOAD_MAX_BYTES + 1024 * 1024
)
REQUEST_MAX_URL_BYTES = env.int("REQUEST_MAX_URL_BYTES", default=8192)
REQUEST_MAX_HEADER_BYTES = env.int("REQUEST_MAX_HEADER_BYTES", default=12288)

REDIS_URL = env("REDIS_URL", default="")

# Transactional outbox (zhengtong/core/outbox.py): a job run that holds its
# claim longer than the lease is taken over; a job still pending this long
# after it was handed to the queue is handed again by the relay (every minute).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=60)
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=30)
# re-runs of a request that lost its database connection (middleware_db.py)
DB_RETRY_ATTEMPTS = env.int("DB_RETRY_ATTEMPTS", default=3)

# Background jobs and schedules: huey on a SQLite file, Redis when REDIS_URL is set.
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "zhengtong",
        "url": REDIS_URL,
        "immediate": False,
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zhengtong",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    # Per process. Django's default of 300 entries is far below one entry per
    # public page and guide body of a county catalogue (about 800 items), and
    # a full locmem cache culls a third of itself at random.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {
                "MAX_ENTRIES": env.int("LOCMEM_CACHE_MAX_ENTRIES", default=20000)
            },
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zhengtong.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Strict JSON (no NaN, Infinity, duplicate keys, …): zhengtong/api/parsers.py
    "DEFAULT_PARSER_CLASSES": [
        "zhengtong.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "zhengtong.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zhengtong.api.exceptions.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Abuse limits, one place (the classes: zhengtong/core/limits.py; docs/operations.md)
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "ticket_anon": env.str("THROTTLE_TICKET_ANON", default="5/hour"),
        "ticket_kiosk": env.str("THROTTLE_TICKET_KIOSK", default="30/min"),
        "ticket_user": env.str("THROTTLE_TICKET_USER", default="10/hour"),
        "public_lookup": env.str("THROTTLE_PUBLIC_LOOKUP", default="30/hour"),
    },
}
# Registered queue kiosks (取号机): device token → name. A kiosk sends its token
# in the X-Kiosk-Device header and gets the ticket_kiosk budget per device.
QUEUE_KIOSK_DEVICES = env.dict("QUEUE_KIOSK_DEVICES", default={})
# Open (not finished) tickets one phone number may hold per day, all categories.
QUEUE_OPEN_TICKETS_PER_PHONE = env.int("QUEUE_OPEN_TICKETS_PER_PHONE", default=3)
# An Idempotency-Key of POST /api/v1/cases/ answers with its first case for
# this many hours; later it is refused (422 idempotency_key_expired).
CASES_IDEMPOTENCY_KEY_HOURS = env.int("CASES_IDEMPOTENCY_KEY_HOURS", default=24)
SPECTACULAR_SETTINGS = {
    "TITLE": "政通 Zhengtong API",
    "DESCRIPTION": "政务服务中心平台接口：事项目录、办事指南、工作日历、办件、排队叫号。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Working-day rules (domain-rules §1.6): the start day is not counted by default.
WORKDAYS_COUNT_START_DAY = env.bool("WORKDAYS_COUNT_START_DAY", default=False)
# Years after the last official notice whose calendar is derived from the
# statutory holidays and marked 推定 (docs/workdays.md §3); 0 turns this off.
WORKDAYS_PROVISIONAL_YEARS = env.int("WORKDAYS_PROVISIONAL_YEARS", default=2)
# From this month on (1 October), while next year is not official, admin and
# workbench show a banner and a daily job reminds administrators.
WORKDAYS_NOTICE_REMINDER_FROM_MONTH = env.int(
    "WORKDAYS_NOTICE_REMINDER_FROM_MONTH", default=10
)
# Queue displays: at most one waiting-count update per hall every N seconds from
# each server process (zhengtong/queueing/coalesce.py); 0 sends every one at once.
QUEUE_DISPLAY_COUNT_INTERVAL = env.float("QUEUE_DISPLAY_COUNT_INTERVAL", default=0.1)

SITE_NAME = env("SITE_NAME", default="政通政务服务中心")
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Public portal pages for visitors without a session are cached this long;
# keys carry the catalogue signature, so catalogue changes show within 1 s.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
# An application reads its item, version and departments from process memory
# while the catalogue is unchanged, for at most this long (0: always read).
CASES_ITEM_CACHE_SECONDS = env.int("CASES_ITEM_CACHE_SECONDS", default=30)
# 容缺受理 whose tolerated materials are not supplied in time (docs/cases.md §10):
# consequence "withdraw" (视为撤回) | "terminate" (终止办理) | "warn" (仅预警), the
# rule the notice cites, the warning window in working days; "regions"
# overrides any of these by division-code prefix, e.g. {"511602": {...}}
# (the longest matching code wins).
CASES_TOLERANCE_EXPIRY = {
    "consequence": "withdraw",
    "basis": "《安阳市政务服务条例》第二十四条",
    "warn_working_days": 2,
    "regions": {},
}
# The legal workflow (docs/cases.md §11, cases/rules.py): the same person may
# not 承办 and 批准 a case; who approves an extension (Art. 42, 本机关负责人:
# a role name); whether an extension also moves the promised date. "regions"
# overrides by division-code prefix, like CASES_TOLERANCE_EXPIRY.
CASES_WORKFLOW_RULES = {
    "separation_of_duties": True,
    "extension_approver_role": "department_head",
    "extension_moves_promised_date": False,
    "regions": {},
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@zhengtong.local")
SMS_BACKEND = env("SMS_BACKEND", default="zhengtong.core.sms.ConsoleSmsBackend")
# Accounts of the public front (docs/accounts.md). SMS codes: lifetime, wrong
# tries, at most one a minute and N an hour per phone. The demo may show the
# code on the page when no SMS gateway is configured (never in production).
ACCOUNTS_SMS_CODE_SECONDS = env.int("ACCOUNTS_SMS_CODE_SECONDS", default=300)
ACCOUNTS_SMS_CODE_ATTEMPTS = env.int("ACCOUNTS_SMS_CODE_ATTEMPTS", default=5)
ACCOUNTS_SMS_CODE_INTERVAL_SECONDS = env.int(
    "ACCOUNTS_SMS_CODE_INTERVAL_SECONDS", default=60
)
ACCOUNTS_SMS_CODES_PER_HOUR = env.int("ACCOUNTS_SMS_CODES_PER_HOUR", default=5)
ACCOUNTS_SMS_CODE_ON_PAGE = env.bool("ACCOUNTS_SMS_CODE_ON_PAGE", default=False)
# 实名认证 provider (accounts/verification.py); the default records 自我声明.
ACCOUNTS_IDENTITY_VERIFIER = env(
    "ACCOUNTS_IDENTITY_VERIFIER",
    default="zhengtong.accounts.verification.SelfDeclaredVerifier",
)
# Whether self-declared accounts may submit online (marked 身份未核验 for staff).
ACCOUNTS_SELF_DECLARED_MAY_SUBMIT = env.bool(
    "ACCOUNTS_SELF_DECLARED_MAY_SUBMIT", default=True
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # every line names its request (X-Request-ID; zhengtong/core/middleware.py)
    "filters": {"request_id": {"()": "zhengtong.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
