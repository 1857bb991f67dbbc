"""diaryboost settings, read once from the environment.

Every setting has a documented default. A bad value stops start-up with a message
that names the variable, so an operator never has to guess which one is wrong.
Nothing else in the code base reads ``os.environ``.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent
VERSION = "0.1.0"


class ConfigError(ValueError):
    """A setting has a value diaryboost cannot use."""


def _int(env, name, default, lo=None, hi=None):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _cores_if_many() -> int:
    """Parser processes by default: one per usable core (at most 8), none on one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    return min(cores, 8) if cores > 1 else 0


def _float(env, name, default, lo=None):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value != value or (lo is not None and value < lo):
        raise ConfigError(f"{name} must be a number >= {lo}, got {raw!r}")
    return value


def _bool(env, name, default):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _choice(env, name, default, choices):
    raw = (env.get(name) or default).strip().lower()
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(sorted(choices))}, got {raw!r}")
    return raw


def _zone(env, name, default):
    raw = env.get(name) or default
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America", a directory
        raise ConfigError(f"{name} must be an IANA time zone such as America/Los_Angeles, "
                          f"got {raw!r}") from None
    return raw


def _allowlist(env, name):
    """Parse ``IP:port`` pairs (``[v6]:port`` for IPv6), comma or space separated."""
    raw = env.get(name) or ""
    pairs = set()
    for item in raw.replace(",", " ").split():
        host, sep, port = item.rpartition(":")
        host = host.strip("[]")
        try:
            address = ipaddress.ip_address(host)
            port_no = int(port)
        except ValueError:
            raise ConfigError(f"{name} entries must be IP:port pairs such as 127.0.0.1:8001, "
                              f"got {item!r}") from None
        if not sep or not 0 < port_no < 65536:
            raise ConfigError(f"{name} entry {item!r} has no valid port")
        pairs.add((str(address), port_no))
    return frozenset(pairs)


def _database_url(env, instance_path: Path):
    url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'diaryboost.db'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not (url.startswith("sqlite:") or url.startswith("postgresql+psycopg://")):
        raise ConfigError("DATABASE_URL must be sqlite:///PATH or postgresql+psycopg://..., "
                          f"got {url.split(':', 1)[0]!r} scheme")
    return url


def _secret_key(env, instance_path: Path) -> str:
    """Use SECRET_KEY, or one generated on first start and kept in instance/."""
    if env.get("SECRET_KEY"):
        if len(env["SECRET_KEY"]) < 16:
            raise ConfigError("SECRET_KEY must be at least 16 characters long")
        return env["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    # Owner-only: it holds the key and, by default, the SQLite database.
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Owner-only: the key signs sessions and unsubscribe links.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Config:
    """All settings. Build with :meth:`from_env`; tests pass overrides."""

    INSTANCE_PATH: Path
    DATABASE_URL: str
    SECRET_KEY: str = field(repr=False)
    REDIS_URL: str | None = None
    TESTING: bool = False
    # Test mode only: lets a test set the app's clock (POST /_test/clock).
    TEST_CLOCK: bool = False
    BASE_URL: str = "http://127.0.0.1:5000"
    TIMEZONE: str = "America/Los_Angeles"
    # One worker unless REDIS_URL lets several share the login counters.
    WEB_WORKERS: int = 1
    WEB_BIND: str = "127.0.0.1:5000"
    # Reverse proxies in front of us that append X-Forwarded-For (0: none, use the peer).
    TRUSTED_PROXIES: int = 0
    SESSION_COOKIE_SECURE: bool = False
    # A login lasts this long (the signed cookie is refused after it, even if replayed).
    SESSION_LIFETIME_DAYS: int = 14
    # Failed logins from one client address over all accounts (against spraying).
    LOGIN_LIMIT: str = "30 per 10 minutes"
    # Largest request body (bytes): Werkzeug answers 413 from the Content-Length, before
    # anything is read or spooled to disk. OPML uploads have their own, smaller limit.
    MAX_CONTENT_LENGTH: int = 4 * 1024 * 1024
    # Mail
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = 25
    SMTP_SECURITY: str = "none"  # none | starttls | tls
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = field(default=None, repr=False)
    SMTP_TIMEOUT: float = 20.0
    MAIL_FROM: str = "diaryboost <diaryboost@localhost>"
    MAIL_REPLY_TO: str | None = None
    # Polling
    SCHEDULER_ENABLED: bool = True
    POLL_WORKERS: int = 8
    POLL_PARSE_PROCESSES: int = 0
    POLL_MIN_INTERVAL: int = 300
    POLL_MAX_INTERVAL: int = 3600
    POLL_DEFAULT_INTERVAL: int = 900
    POLL_ERROR_BACKOFF_MAX: int = 86400
    POLL_FAILURES_TO_FLAG: int = 5
    METRICS_INTERVAL: int = 600
    HOST_MAX_CONCURRENCY: int = 2
    HOST_MIN_GAP: float = 1.0
    FETCH_CONNECT_TIMEOUT: float = 5.0
    FETCH_READ_TIMEOUT: float = 15.0
    FETCH_DEADLINE: float = 30.0
    FETCH_MAX_BYTES: int = 5 * 1024 * 1024
    FETCH_MAX_REDIRECTS: int = 5
    PRIVATE_ADDRESS_ALLOWLIST: frozenset = frozenset()
    # Shifts and digest
    SHIFT_DROP_CUTOFF_HOURS: float = 3.0
    SHIFT_REMINDER_MINUTES: int = 60
    DIGEST_WEEKDAY: int = 0  # Monday
    DIGEST_TIME: str = "08:00"
    DIGEST_TIMEZONE: str = "America/Los_Angeles"
    DIGEST_GRACE_HOURS: float = 12.0
    # Calls for help: at most this many alert emails per teammate an hour (0: none), and
    # how long the chat webhook may take to answer before we give up on it.
    ALERTS_PER_USER_PER_HOUR: int = 3
    ALERT_WEBHOOK_TIMEOUT: float = 5.0

    @property
    def USER_AGENT(self) -> str:  # noqa: N802 - reads like the other settings
        return f"diaryboost/{VERSION} (+{self.BASE_URL})"

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Config:
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
        digest_time = env.get("DIGEST_TIME") or "08:00"
        hh, _, mm = digest_time.partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise ConfigError(f"DIGEST_TIME must be HH:MM, got {digest_time!r}")
        values = dict(
            INSTANCE_PATH=instance,
            DATABASE_URL=_database_url(env, instance),
            SECRET_KEY=_secret_key(env, instance),
            REDIS_URL=env.get("REDIS_URL") or None,
            TESTING=_bool(env, "TESTING", False),
            TEST_CLOCK=_bool(env, "TEST_CLOCK", False),
            # The address teammates open: invitation, reset and unsubscribe links use it.
            BASE_URL=(env.get("PUBLIC_BASE_URL") or env.get("BASE_URL")
                      or "http://127.0.0.1:5000").rstrip("/"),
            TIMEZONE=_zone(env, "TIMEZONE", "America/Los_Angeles"),
            WEB_WORKERS=_int(env, "WEB_WORKERS", 2 if env.get("REDIS_URL") else 1, 1, 64),
            WEB_BIND=env.get("WEB_BIND") or "127.0.0.1:5000",
            TRUSTED_PROXIES=_int(env, "TRUSTED_PROXIES", 0, 0, 10),
            SESSION_COOKIE_SECURE=_bool(env, "SESSION_COOKIE_SECURE", False),
            SESSION_LIFETIME_DAYS=_int(env, "SESSION_LIFETIME_DAYS", 14, 1, 365),
            LOGIN_LIMIT=env.get("LOGIN_LIMIT") or "30 per 10 minutes",
            MAX_CONTENT_LENGTH=_int(env, "MAX_CONTENT_LENGTH", 4 * 1024 * 1024, 64 * 1024),
            SMTP_HOST=env.get("SMTP_HOST") or "127.0.0.1",
            SMTP_PORT=_int(env, "SMTP_PORT", 25, 1, 65535),
            SMTP_SECURITY=_choice(env, "SMTP_SECURITY", "none", {"none", "starttls", "tls"}),
            SMTP_USER=env.get("SMTP_USER") or None,
            SMTP_PASSWORD=env.get("SMTP_PASSWORD") or None,
            SMTP_TIMEOUT=_float(env, "SMTP_TIMEOUT", 20.0, 0.1),
            MAIL_FROM=env.get("MAIL_FROM") or "diaryboost <diaryboost@localhost>",
            MAIL_REPLY_TO=env.get("MAIL_REPLY_TO") or None,
            SCHEDULER_ENABLED=_bool(env, "SCHEDULER_ENABLED", True),
            POLL_WORKERS=_int(env, "POLL_WORKERS", 8, 1, 64),
            POLL_PARSE_PROCESSES=_int(env, "POLL_PARSE_PROCESSES", _cores_if_many(), 0, 64),
            POLL_MIN_INTERVAL=_int(env, "POLL_MIN_INTERVAL", 300, 1),
            POLL_MAX_INTERVAL=_int(env, "POLL_MAX_INTERVAL", 3600, 1),
            POLL_DEFAULT_INTERVAL=_int(env, "POLL_DEFAULT_INTERVAL", 900, 1),
            POLL_ERROR_BACKOFF_MAX=_int(env, "POLL_ERROR_BACKOFF_MAX", 86400, 1),
            POLL_FAILURES_TO_FLAG=_int(env, "POLL_FAILURES_TO_FLAG", 5, 1),
            METRICS_INTERVAL=_int(env, "METRICS_INTERVAL", 600, 1),
            HOST_MAX_CONCURRENCY=_int(env, "HOST_MAX_CONCURRENCY", 2, 1, 64),
            HOST_MIN_GAP=_float(env, "HOST_MIN_GAP", 1.0, 0.0),
            FETCH_CONNECT_TIMEOUT=_float(env, "FETCH_CONNECT_TIMEOUT", 5.0, 0.01),
            FETCH_READ_TIMEOUT=_float(env, "FETCH_READ_TIMEOUT", 15.0, 0.01),
            FETCH_DEADLINE=_float(env, "FETCH_DEADLINE", 30.0, 0.01),
            FETCH_MAX_BYTES=_int(env, "FETCH_MAX_BYTES", 5 * 1024 * 1024, 1024),
            FETCH_MAX_REDIRECTS=_int(env, "FETCH_MAX_REDIRECTS", 5, 0, 30),
            PRIVATE_ADDRESS_ALLOWLIST=_allowlist(env, "PRIVATE_ADDRESS_ALLOWLIST"),
            SHIFT_DROP_CUTOFF_HOURS=_float(env, "SHIFT_DROP_CUTOFF_HOURS", 3.0, 0.0),
            SHIFT_REMINDER_MINUTES=_int(env, "SHIFT_REMINDER_MINUTES", 60, 0, 24 * 60),
            DIGEST_WEEKDAY=_int(env, "DIGEST_WEEKDAY", 0, 0, 6),
            DIGEST_TIME=digest_time,
            DIGEST_TIMEZONE=_zone(env, "DIGEST_TIMEZONE", "America/Los_Angeles"),
            DIGEST_GRACE_HOURS=_float(env, "DIGEST_GRACE_HOURS", 12.0, 0.0),
            ALERTS_PER_USER_PER_HOUR=_int(env, "ALERTS_PER_USER_PER_HOUR", 3, 0, 60),
            ALERT_WEBHOOK_TIMEOUT=_float(env, "ALERT_WEBHOOK_TIMEOUT", 5.0, 0.1),
        )
        if values["POLL_MIN_INTERVAL"] > values["POLL_MAX_INTERVAL"]:
            raise ConfigError("POLL_MIN_INTERVAL must not exceed POLL_MAX_INTERVAL")
        values.update(overrides)
        return cls(**values)

    def flask_settings(self) -> dict:
        """The subset Flask and its extensions read from ``app.config``."""
        settings = {f.name: getattr(self, f.name) for f in fields(self)}
        settings.update(
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            REMEMBER_COOKIE_HTTPONLY=True,
            REMEMBER_COOKIE_SAMESITE="Lax",
            PERMANENT_SESSION_LIFETIME=timedelta(days=self.SESSION_LIFETIME_DAYS),
            WTF_CSRF_TIME_LIMIT=None,
            RATELIMIT_STORAGE_URI=self.REDIS_URL or "memory://",
            # Off: its Retry-After (the window's end) would overwrite our exact wait.
            RATELIMIT_HEADERS_ENABLED=False,
        )
        return settings
