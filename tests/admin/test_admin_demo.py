"""`python run.py demo` end to end: simulated blogs, demo users and eight weeks of history,
a second demo refused without touching the first, and clean exits on Ctrl-C and SIGTERM."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from tests.conftest import PROJECT_ROOT, csrf_from
from tests.processes import children, survivors

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGOPTIONS")}
    env.update(INSTANCE_PATH=str(tmp_path), SECRET_KEY="demo-test-secret-key-123",
               PYTHONUNBUFFERED="1")
    return env


def _start(tmp_path, port, sim_port, log_name="demo.log"):
    log = tmp_path / log_name
    with open(log, "w") as out:
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches every member.
        proc = subprocess.Popen([sys.executable, "run.py", "demo", "--port", str(port),
                                 "--sim-port", str(sim_port)], cwd=PROJECT_ROOT,
                                env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)
    # The log is written before serving starts; wait for the logins' closing line.
    while "Ctrl-C stops the demo" not in log.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return proc, base, log


def _log_in(base, log_text, who="blogger"):
    match = re.search(rf"{who}@demo\.test / (\S+)", log_text)
    assert match, log_text[-3000:]
    http = requests.Session()
    token = csrf_from(http.get(f"{base}/login", timeout=10).text)
    response = http.post(f"{base}/login", data={"email": f"{who}@demo.test",
                                                 "password": match.group(1),
                                                 "csrf_token": token}, timeout=10)
    assert response.url.endswith("/boost/"), response.url
    return http


def _stop(proc, sig):
    descendants = children(proc.pid)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
        pytest.fail("the demo did not stop")
    return survivors(descendants)


def test_demo_serves_history_refuses_a_second_demo_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, sim_port = _free_port(), _free_port()
    proc, base, log = _start(tmp_path, port, sim_port)
    try:
        text = log.read_text()
        # The demo uses its own database file, never the real one.
        assert (tmp_path / "demo.db").exists() and not (tmp_path / "diaryboost.db").exists()
        assert re.search(r"history: \d{3,} diaries over 8 weeks", text), text
        # Quiet: no line per feed; the logins end the start-up output.
        assert "polled feed" not in text
        lines = text.rstrip().splitlines()
        last_login = max(i for i, line in enumerate(lines) if line.startswith("log in at "))
        # Only the scheduler's round lines may follow (it starts as the server comes up).
        assert all(" diaryboost.jobs " in line for line in lines[last_login + 1:]), \
            "\n".join(lines[last_login:])
        # Mail goes to the demo's own folder, not to a server that is not there.
        assert f"is kept in {tmp_path / 'demo-mail'}" in text
        http = _log_in(base, text)
        page = http.get(f"{base}/boost/", timeout=10)
        assert page.status_code == 200 and page.text.count('class="boost-row') >= 1

        # A second demo on the same instance (other ports): refused, the first untouched.
        before = (tmp_path / "demo.db").stat().st_mtime_ns
        second = subprocess.run(
            [sys.executable, "run.py", "demo", "--port", str(_free_port()), "--sim-port",
             str(_free_port())], cwd=PROJECT_ROOT, env=_env(tmp_path), capture_output=True,
            text=True, timeout=60)
        assert second.returncode == 1
        assert "another demo is running on this database" in second.stderr
        assert (tmp_path / "demo.db").stat().st_mtime_ns == before
        _log_in(base, text, "admin")  # its users and passwords still work
    finally:
        left = _stop(proc, signal.SIGINT)
    text = log.read_text()
    assert left == [], f"processes left running: {left}"
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-3000:]
    assert "leaked semaphore" not in text and text.rstrip().endswith("demo stopped")


def test_sigterm_stops_the_demo_without_traceback_or_leak(tmp_path):
    proc, _, log = _start(tmp_path, _free_port(), _free_port())
    left = _stop(proc, signal.SIGTERM)
    text = log.read_text()
    assert left == [] and proc.returncode == 0, text[-3000:]
    assert "Traceback" not in text and "leaked semaphore" not in text, text[-3000:]


def test_a_busy_port_refuses_the_demo_before_it_touches_its_database(tmp_path):
    from app.cli import cli

    (tmp_path / "demo.db").write_bytes(b"the running demo's data")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["demo", "--port", str(port), "--sim-port",
                                          str(_free_port())], env=_env(tmp_path))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is busy" in result.output
    assert (tmp_path / "demo.db").read_bytes() == b"the running demo's data"
