"""Flask stays in the web layer: services, jobs, the scheduler, the CLI, the digest, the
ranking model, scrapers and models import without it (so does the scheduler process).
Run in a fresh interpreter: the test process itself has long imported Flask."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The web layer: the only modules that may import Flask are app.web and each area's views.
def _is_web(name: str) -> bool:
    return name.startswith("app.web.") or name.rsplit(".", 1)[-1].endswith("views")


def _modules() -> list[str]:
    names = []
    for package in ("app", "scrapers", "models"):
        names.append(package)
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            if not _is_web(info.name):
                names.append(info.name)
    return names


def _imports_flask(modules: list[str]) -> bool:
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "sys.exit(3 if 'flask' in sys.modules else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode in (0, 3), done.stderr
    return done.returncode == 3


def test_nothing_below_the_web_layer_imports_flask():
    modules = _modules()
    # Representative edges must be in the walk, or the test proves nothing.
    for name in (
            "app.boost.service",
            "app.shifts.service",
            "app.jobs.scheduler",
            "app.jobs.registry",
            "app.cli",
            "app.digest.send",
            "app.errors",
            "app.clock",
            "scrapers.poll",
    ):
        assert name in modules
    if _imports_flask(modules):
        culprits = [name for name in modules if _imports_flask([name])]
        raise AssertionError(f"these import Flask: {culprits}")


def test_the_web_layer_still_imports_flask():
    # The check above can fail: the same probe sees Flask where it is.
    assert _imports_flask(["app.web.factory"])
