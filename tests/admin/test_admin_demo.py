"""`python run.py demo` end to end: simulated blogs, demo users, a filled Boost today."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import PROJECT_ROOT, csrf_from

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_serves_ranked_diaries_from_the_simulated_blogs(tmp_path):
    port, sim_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PGOPTIONS")}
    env.update(INSTANCE_PATH=str(tmp_path), SECRET_KEY="demo-test-secret-key-123",
               PYTHONUNBUFFERED="1")
    log = tmp_path / "demo.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "run.py", "demo", "--port", str(port),
                                 "--sim-port", str(sim_port)], cwd=PROJECT_ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        text = log.read_text()
        # The demo uses its own database file, never the real one.
        assert (tmp_path / "demo.db").exists() and not (tmp_path / "diaryboost.db").exists()
        match = re.search(r"blogger@demo\.test / (\S+)", text)
        assert match, text[-3000:]
        http = requests.Session()
        token = csrf_from(http.get(f"{base}/login", timeout=10).text)
        http.post(f"{base}/login", data={"email": "blogger@demo.test",
                                         "password": match.group(1), "csrf_token": token},
                  timeout=10)
        page = http.get(f"{base}/boost/", timeout=10)
        assert page.status_code == 200
        rows = page.text.count('class="boost-row')
        assert rows >= 1, page.text[:2000]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
