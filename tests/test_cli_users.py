"""The users commands, run as a user would: python run.py ... in a subprocess."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run(args, env, input_text=None):
    return subprocess.run([sys.executable, "run.py", *args], cwd=PROJECT_ROOT, env=env,
                          input=input_text, capture_output=True, text=True, timeout=60)


@pytest.fixture
def cli_env(tmp_path, engine):
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path),
               DATABASE_URL=engine.url.render_as_string(hide_password=False))
    if engine.dialect.name == "postgresql":
        # The test schema is selected through libpq's PGOPTIONS.
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
        env["PGOPTIONS"] = f"-csearch_path={schema}"
    return env


def test_users_create_list_set_role_deactivate(cli_env, engine):
    email = f"cli-{os.getpid()}-{engine.dialect.name}@example.org"
    res = run(["users", "create", email, "--role", "admin", "--name", "CLI"], cli_env,
              "a very long password\n")
    assert res.returncode == 0, res.stderr
    try:
        listing = run(["users", "list"], cli_env)
        assert email in listing.stdout and "admin" in listing.stdout
        assert run(["users", "create", "second-" + email], cli_env,
                   "another long password\n").returncode == 0
        assert run(["users", "set-role", "second-" + email, "coordinator"],
                   cli_env).returncode == 0
        res = run(["users", "deactivate", "second-" + email], cli_env)
        assert res.returncode == 0 and "deactivated" in res.stdout
        assert "deactivated" in run(["users", "list"], cli_env).stdout
        res = run(["users", "activate", "second-" + email], cli_env)
        assert res.returncode == 0 and res.stdout == f"second-{email} activated\n"
        assert "deactivated" not in run(["users", "list"], cli_env).stdout
        res = run(["users", "set-password", "second-" + email], cli_env, "a new long password\n")
        assert res.returncode == 0 and res.stdout == f"password changed for second-{email}\n"
        res = run(["users", "activate", "nobody-" + email], cli_env)
        assert res.returncode == 1 and "No user with email" in res.stderr
    finally:
        from sqlalchemy import text

        with engine.begin() as conn:
            conn.execute(text("DELETE FROM users WHERE email LIKE :p"), {"p": f"%{email}"})


def test_password_is_never_taken_from_argv(cli_env):
    res = run(["users", "create", "x@example.org", "--password", "secretsecret"], cli_env)
    assert res.returncode != 0
    assert "No such option" in res.stderr


def test_short_password_and_bad_email_are_one_line_errors(cli_env):
    res = run(["users", "create", "x@example.org"], cli_env, "short\n")
    assert res.returncode == 1 and "at least 10 characters" in res.stderr
    assert "Traceback" not in res.stderr
    res = run(["users", "create", "not-an-email"], cli_env, "a long enough password\n")
    assert res.returncode == 1 and "not a valid email" in res.stderr


def test_unreachable_database_is_one_line_error(tmp_path):
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path),
               DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    res = run(["users", "list"], env)
    assert res.returncode == 1
    assert "cannot reach the database" in res.stderr and "Traceback" not in res.stderr


def test_bad_config_names_the_variable(tmp_path):
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path), POLL_WORKERS="lots")
    res = run(["users", "list"], env)
    assert res.returncode == 1 and "POLL_WORKERS must be a whole number" in res.stderr
