"""Settings, read from environment variables so that the project boots with no configuration.

The demo (`make demo`) sets HUANXIN_DEBUG=1; anything else is production: HTTPS-only cookies,
HSTS, and `huanxin check --deploy` silent.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUANXIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def secret_key() -> str:
    """HUANXIN_SECRET_KEY, or one generated once and kept in var/ (never a key in the code)."""
    if key := os.environ.get("HUANXIN_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("HUANXIN_DEBUG", False)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = env_list("HUANXIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HUANXIN_CSRF_TRUSTED_ORIGINS", [])

# HTTPS hardening is on everywhere but the demo; a deployment behind a TLS proxy keeps it on.
HTTPS = env_bool("HUANXIN_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "huanxin.core",  # before django_tasks_db: its db_worker command recovers dead workers' tasks
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "huanxin.regions",
    "huanxin.accounts",
    "huanxin.catalog",
    "huanxin.estates",
    "huanxin.residents",
    "huanxin.surveys",
    "huanxin.planning",
    "huanxin.projects",
    "huanxin.funding",
    "huanxin.reporting",
    "huanxin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "huanxin.core.middleware.ApiErrorsAsJsonMiddleware",
    "huanxin.core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huanxin.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "huanxin.core.middleware.ApplicationErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huanxin.urls"
WSGI_APPLICATION = "huanxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "huanxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huanxin.core.context_processors.huanxin",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'huanxin.sqlite3'}",
        conn_max_age=env_int("HUANXIN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" when two writers upgrade their locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "huanxin.accounts.passwords.CharacterClassValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: every request renews the session, so it expires after this much inactivity.
SESSION_IDLE_MINUTES = env_int("HUANXIN_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout counts failures per username: a whole street office shares one public address.
AXES_FAILURE_LIMIT = env_int("HUANXIN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HUANXIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huanxin.accounts.views.locked_out"
# We lock per username on purpose (offices share one address); the per-address throttle is ours:
# accounts.services.address_throttled.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The looser throttle per address, beside the per-username lockout.
ADDRESS_FAILURE_LIMIT = env_int("HUANXIN_ADDRESS_FAILURE_LIMIT", 50)
API_TOKEN_DAYS = env_int("HUANXIN_API_TOKEN_DAYS", 30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "huanxin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "huanxin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Pages work on an intranet with no internet: everything is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task running longer than this was left by a worker that died (core/worker.py).
HUANXIN_TASK_STALE_MINUTES = env_int("HUANXIN_TASK_STALE_MINUTES", 30)
HUANXIN_TASK_ATTEMPTS = env_int("HUANXIN_TASK_ATTEMPTS", 2)

# The program's own settings.
HUANXIN_TODAY = os.environ.get("HUANXIN_TODAY", "")  # YYYY-MM-DD pins the clock
HUANXIN_OLD_ESTATE_CUTOFF_YEAR = env_int("HUANXIN_OLD_ESTATE_CUTOFF_YEAR", 2000)
HUANXIN_DEMO = env_bool("HUANXIN_DEMO", False)
# Where one-time codes go: the console for the demo; a gateway's class in production
# (see huanxin/residents/sms.py).
HUANXIN_SMS_BACKEND = os.environ.get(
    "HUANXIN_SMS_BACKEND",
    "huanxin.residents.sms.ConsoleBackend" if DEBUG else "huanxin.residents.sms.DisabledBackend",
)
HUANXIN_IMPORT_MAX_BYTES = env_int("HUANXIN_IMPORT_MAX_MB", 50) * 2**20
# Files larger than this are checked and applied by the background worker, with progress shown.
HUANXIN_IMPORT_INLINE_BYTES = env_int("HUANXIN_IMPORT_INLINE_KB", 256) * 1024
# A community's household roster: one estate's rows, far smaller than a ledger; refused above this.
HUANXIN_ROSTER_MAX_BYTES = env_int("HUANXIN_ROSTER_MAX_MB", 5) * 2**20
# What a spreadsheet may ask of the reader (core/sheet_guard.py): a province's ledger fits.
HUANXIN_SHEET_MAX_ROWS = env_int("HUANXIN_SHEET_MAX_ROWS", 200_000)
HUANXIN_SHEET_MAX_COLUMNS = env_int("HUANXIN_SHEET_MAX_COLUMNS", 200)
HUANXIN_SHEET_MAX_CELLS = env_int("HUANXIN_SHEET_MAX_CELLS", 10_000_000)
HUANXIN_SHEET_MAX_UNPACKED_MB = env_int("HUANXIN_SHEET_MAX_UNPACKED_MB", 500)
HUANXIN_SHEET_MAX_RATIO = env_int("HUANXIN_SHEET_MAX_RATIO", 100)
HUANXIN_PHOTO_MAX_BYTES = env_int("HUANXIN_PHOTO_MAX_MB", 10) * 2**20  # one photo, before it is checked

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUANXIN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
