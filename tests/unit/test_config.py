import os

import pytest

from config import Config, ConfigError


def env(tmp_path, **kw):
    base = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 20}
    base.update(kw)
    return base


@pytest.mark.parametrize(("name", "value", "fragment"), [
    ("SMTP_PORT", "smtp", "SMTP_PORT must be a whole number"),
    ("SMTP_PORT", "70000", "SMTP_PORT must be between"),
    ("POLL_WORKERS", "0", "POLL_WORKERS must be between"),
    ("POLL_PARSE_PROCESSES", "-1", "POLL_PARSE_PROCESSES must be between"),
    ("POLL_PARSE_PROCESSES", "two", "POLL_PARSE_PROCESSES must be a whole number"),
    ("TIMEZONE", "Mars/Olympus", "TIMEZONE must be an IANA time zone"),
    ("SMTP_SECURITY", "ssl3", "SMTP_SECURITY must be one of"),
    ("SCHEDULER_ENABLED", "maybe", "SCHEDULER_ENABLED must be true or false"),
    ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be"),
    ("PRIVATE_ADDRESS_ALLOWLIST", "localhost:8001", "PRIVATE_ADDRESS_ALLOWLIST entries"),
    ("PRIVATE_ADDRESS_ALLOWLIST", "127.0.0.1", "PRIVATE_ADDRESS_ALLOWLIST"),
    ("FETCH_DEADLINE", "nan", "FETCH_DEADLINE must be a number"),
    ("DIGEST_TIME", "8am", "DIGEST_TIME must be HH:MM"),
    ("SECRET_KEY", "short", "SECRET_KEY must be at least"),
])
def test_bad_values_name_the_variable(tmp_path, name, value, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Config.from_env(env(tmp_path, **{name: value}))


def test_defaults_and_allowlist(tmp_path):
    cfg = Config.from_env(env(tmp_path, PRIVATE_ADDRESS_ALLOWLIST="127.0.0.1:8001, [::1]:9000"))
    assert cfg.PRIVATE_ADDRESS_ALLOWLIST == {("127.0.0.1", 8001), ("::1", 9000)}
    assert cfg.DATABASE_URL == f"sqlite:///{tmp_path / 'diaryboost.db'}"
    assert cfg.POLL_WORKERS == 8
    cores = len(os.sched_getaffinity(0))
    assert cfg.POLL_PARSE_PROCESSES == (min(cores, 8) if cores > 1 else 0)
    assert Config.from_env(env(tmp_path, POLL_PARSE_PROCESSES="0")).POLL_PARSE_PROCESSES == 0
    assert "diaryboost/" in cfg.USER_AGENT


def test_postgres_urls_use_psycopg3(tmp_path):
    cfg = Config.from_env(env(tmp_path, DATABASE_URL="postgres://u@h/db"))
    assert cfg.DATABASE_URL == "postgresql+psycopg://u@h/db"


def test_secret_key_generated_once_and_kept(tmp_path):
    first = Config.from_env({"INSTANCE_PATH": str(tmp_path)}).SECRET_KEY
    second = Config.from_env({"INSTANCE_PATH": str(tmp_path)}).SECRET_KEY
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_never_in_repr(tmp_path):
    cfg = Config.from_env(env(tmp_path, SMTP_PASSWORD="hunter2hunter2"))
    assert "hunter2" not in repr(cfg) and "x" * 20 not in repr(cfg)
