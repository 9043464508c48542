"""Django settings for Liaison; every knob comes through :mod:`liaison.env`."""

from __future__ import annotations

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from liaison import env

BASE_DIR = env.PROJECT_ROOT
DEBUG = env.get_bool("LIAISON_DEBUG", default=False)

SECRET_KEY = env.get("LIAISON_SECRET_KEY") or ""
# Personal data (passport numbers, birth dates) is encrypted with a key derived from this
# salt and SECRET_KEY; a list lets an operator rotate it (first one encrypts).
SALT_KEY = env.get_list("LIAISON_FIELD_ENCRYPTION_KEY", default=[])
# Keyed hash for the duplicate matcher's blocking keys, so the index reveals no names.
MATCH_KEY_SECRET = env.get("LIAISON_MATCH_KEY") or ""

if not SECRET_KEY or not SALT_KEY or not MATCH_KEY_SECRET:
    raise ImproperlyConfigured(
        "LIAISON_SECRET_KEY, LIAISON_FIELD_ENCRYPTION_KEY and LIAISON_MATCH_KEY must be set "
        "(make run writes them to var/local.env once)."
    )
if env.get_bool("LIAISON_PRODUCTION") and DEBUG:
    raise ImproperlyConfigured("LIAISON_DEBUG must be off in production.")

ALLOWED_HOSTS = env.get_list("LIAISON_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("LIAISON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "django_htmx",
    "ninja",
    "rules",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "liaison.core",
    "liaison.accounts",
    "liaison.audit",
    "liaison.partners",
    "liaison.people",
    "liaison.catalog",
    "liaison.vetting",
    "liaison.postings",
    "liaison.training",
    "liaison.visits",
    "liaison.capacity",
    "liaison.agreements",
    "liaison.surveys",
    "liaison.api",
    "liaison.home",
    "liaison.reports",
    "liaison.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.core.middleware.PrivateResponsesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison.accounts.middleware.LoginRequiredMiddleware",
    "liaison.accounts.middleware.AdministratorMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "liaison.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "liaison" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.navigation",
            ],
        },
    },
]

env.VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL") or f"sqlite:///{env.VAR_DIR / 'liaison.sqlite3'}",
        conn_max_age=int(env.get("LIAISON_DB_CONN_MAX_AGE", "0") or 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "liaison.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Liaison"
LIAISON_REQUIRE_MFA = env.get_bool("LIAISON_REQUIRE_MFA", default=False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.get_bool("LIAISON_HTTPS", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
# Staff pages are English; participants' survey pages and e-mails switch to their language
# (liaison.surveys), whose interface text is translated in src/liaison/locale.
LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("pt", "Portuguese"),
]
LOCALE_PATHS = [BASE_DIR / "src" / "liaison" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("uswds", NODE_MODULES / "@uswds" / "uswds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    # Charts and maps: Vega-Lite specifications (built with Altair) drawn by vega-embed, on the
    # world-atlas TopoJSON (countries keyed on ISO 3166-1 numeric codes).
    ("vega", NODE_MODULES / "vega" / "build"),
    ("vega-lite", NODE_MODULES / "vega-lite" / "build"),
    ("vega-embed", NODE_MODULES / "vega-embed" / "build"),
    ("world-atlas", NODE_MODULES / "world-atlas"),
    BASE_DIR / "src" / "liaison" / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env.get("LIAISON_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.get("LIAISON_FROM_EMAIL", "liaison@localhost")
# Links in e-mails sent by the background worker, which has no request to read the host from.
BASE_URL = (env.get("LIAISON_BASE_URL") or "http://localhost:8000").rstrip("/")

# Background work (e-mail to site hosts, ...) is queued in the database and run by
# `liaison db_worker`; a request never waits on a mail server.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Surveys: nobody is invited to a survey twice within this many months, whatever the survey;
# an invitation's link works for this many days.
SURVEY_NO_REPEAT_MONTHS = int(env.get("LIAISON_SURVEY_NO_REPEAT_MONTHS") or 6)
SURVEY_LINK_DAYS = int(env.get("LIAISON_SURVEY_LINK_DAYS") or 30)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LIAISON_LOG_LEVEL", "WARNING")},
}
