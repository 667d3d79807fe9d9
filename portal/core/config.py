"""Settings read from the environment, one class per mode.

Select the mode with ``PORTAL_ENV`` (``development`` by default, ``production`` or ``testing``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parents[2] / "instance"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_sqlite_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"


def default_queue_url(database_url: str) -> str:
    """The embedded queue: a SQLite file beside the SQLite database, or in instance/."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        database = Path(database_url.removeprefix(prefix))
        return f"{prefix}{database.with_name(database.stem + '.queue.sqlite3')}"
    return f"{prefix}{INSTANCE_DIR / 'queue.sqlite3'}"


def development_secret_key() -> str:
    """Generate a key on first use and keep it in instance/ so sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class BaseConfig:
    """Every setting, read from the environment when the app is created."""

    ENV_NAME = "base"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # A sign-in lasts PERMANENT_SESSION_LIFETIME from sign-in (checked in load_user), so pages
    # need not re-sign and resend the cookie on every request.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True
    HSTS = False
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    MAIL_BACKEND = "log"

    def __init__(self) -> None:
        env = os.environ.get
        self.DATABASE_URL = env("PORTAL_DATABASE_URL") or default_sqlite_url()
        self.SQL_ECHO = _env_bool("PORTAL_SQL_ECHO", False)
        self.COUNT_SQL = _env_bool("PORTAL_COUNT_SQL", False)
        self.BASE_URL = env("PORTAL_BASE_URL", "http://127.0.0.1:5000")
        self.PERMANENT_SESSION_LIFETIME = _env_int("PORTAL_SESSION_HOURS", 12) * 3600
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
        self.LOGIN_LIMIT_PER_ACCOUNT = env("PORTAL_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
        self.LOGIN_LIMIT_PER_ADDRESS = env("PORTAL_LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
        self.LOGIN_LIMIT_PER_DEVICE = env("PORTAL_LOGIN_LIMIT_PER_DEVICE", "10 per 15 minutes")
        self.DEVICE_COOKIE_DAYS = _env_int("PORTAL_DEVICE_COOKIE_DAYS", 365)
        self.PASSWORD_CHANGE_LIMIT = env("PORTAL_PASSWORD_CHANGE_LIMIT", "5 per 15 minutes")
        self.MAIL_BACKEND = env("PORTAL_MAIL_BACKEND", self.MAIL_BACKEND)
        self.MAIL_FROM = env("PORTAL_MAIL_FROM", "portal@example.com")
        self.SMTP_HOST = env("SMTP_HOST", "localhost")
        self.SMTP_PORT = _env_int("SMTP_PORT", 587)
        self.SMTP_USERNAME = env("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", True)
        self.MAIL_MAX_ATTEMPTS = _env_int("PORTAL_MAIL_MAX_ATTEMPTS", 10)
        self.INVITATION_DAYS = _env_int("PORTAL_INVITATION_DAYS", 7)
        self.PAGE_SIZE = _env_int("PORTAL_PAGE_SIZE", 25)
        self.PROXY_COUNT = _env_int("PORTAL_PROXY_COUNT", 0)
        self.IDEA_RESPONSE_TARGET_DAYS = _env_int("PORTAL_IDEA_RESPONSE_TARGET_DAYS", 7)
        self.NOMINATION_MONTHLY_LIMIT = _env_int("PORTAL_NOMINATION_MONTHLY_LIMIT", 10)
        self.OIDC_ISSUER = env("PORTAL_OIDC_ISSUER", "").strip().rstrip("/")
        self.OIDC_CLIENT_ID = env("PORTAL_OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = env("PORTAL_OIDC_CLIENT_SECRET", "")
        self.OIDC_SCOPES = env("PORTAL_OIDC_SCOPES", "openid email profile")
        self.OIDC_ONLY = _env_bool("PORTAL_OIDC_ONLY", False)
        self.OIDC_CREATE_USERS = _env_bool("PORTAL_OIDC_CREATE_USERS", False)
        self.SCIM_ADMIN_GROUP = env("PORTAL_SCIM_ADMIN_GROUP", "")
        self.SCIM_MANAGER_GROUP = env("PORTAL_SCIM_MANAGER_GROUP", "")
        self.QUEUE_URL = env("PORTAL_QUEUE_URL") or default_queue_url(self.DATABASE_URL)
        self.QUEUE_WORKERS = _env_int("PORTAL_QUEUE_WORKERS", 2)
        self.JOB_BATCH_SIZE = max(1, _env_int("PORTAL_JOB_BATCH_SIZE", 500))
        self.JOB_BATCH_PAUSE = float(os.environ.get("PORTAL_JOB_BATCH_PAUSE", "0.05"))
        self.JOB_LEASE_SECONDS = max(1, _env_int("PORTAL_JOB_LEASE_SECONDS", 60))
        self.JOB_MAX_ATTEMPTS = max(1, _env_int("PORTAL_JOB_MAX_ATTEMPTS", 5))
        self.DIGEST_HOUR = _env_int("PORTAL_DIGEST_HOUR", 7) % 24


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"

    @property
    def SECRET_KEY(self) -> str:
        return os.environ.get("SECRET_KEY") or development_secret_key()


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - fixed key for the test suite only
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "memory"

    def __init__(self) -> None:
        super().__init__()
        self.MAIL_BACKEND = "memory"
        self.RATELIMIT_STORAGE_URI = "memory://"
        # Jobs run inline where they are queued, unless a test names a real queue.
        self.QUEUE_URL = os.environ.get("PORTAL_QUEUE_URL") or "immediate"
        self.JOB_BATCH_PAUSE = float(os.environ.get("PORTAL_JOB_BATCH_PAUSE", "0"))
        # Tests that check throttling lower these for themselves.
        self.LOGIN_LIMIT_PER_ACCOUNT = "1000 per minute"
        self.LOGIN_LIMIT_PER_ADDRESS = "1000 per minute"
        self.LOGIN_LIMIT_PER_DEVICE = "1000 per minute"
        self.PASSWORD_CHANGE_LIMIT = "1000 per minute"  # noqa: S105 - a rate, not a password


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    MAIL_BACKEND = "smtp"

    def __init__(self) -> None:
        super().__init__()
        self.COUNT_SQL = False  # a benchmark aid only: never in production

    @property
    def SECRET_KEY(self) -> str:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError("SECRET_KEY must be set when PORTAL_ENV=production")
        return key


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def current_mode() -> str:
    return os.environ.get("PORTAL_ENV", "development")


def config_from_environment() -> BaseConfig:
    name = current_mode()
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
