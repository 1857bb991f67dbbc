"""`python run.py digest preview --week ... --text`, run as a real process once."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy.orm import Session

from app.cli import cli
from tests.conftest import PROJECT_ROOT, TEST_SECRET, fresh_database
from tests.digest.seed import seed_week


def test_digest_preview_prints_the_text_digest(tmp_path):
    engine, cleanup = fresh_database("sqlite", tmp_path, "cli")
    try:
        with Session(engine) as session:
            seed_week(session)
            session.commit()
        env = dict(os.environ, DATABASE_URL=str(engine.url), SECRET_KEY=TEST_SECRET,
                   INSTANCE_PATH=str(tmp_path / "instance"))
        run = [sys.executable, "run.py", "digest", "preview", "--week"]
        text = subprocess.run([*run, "2026-W47", "--text"], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert text.returncode == 0, text.stderr
        assert text.stdout.startswith("diaryboost weekly: 3 diaries boosted, 2 made the rec list")
        assert "Came close:" in text.stdout and "missed by ~2 recs" in text.stdout
        assert "<table" not in text.stdout
        # The error path in-process: one line, non-zero exit.
        bad = CliRunner().invoke(cli, ["digest", "send", "--week", "47"], env=env)
        assert bad.exit_code != 0
        assert bad.output.strip().splitlines()[-1] == "Error: week must look like 2026-W47"
    finally:
        cleanup()
