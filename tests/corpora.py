"""Third-party test corpora: fetched from the packages' own sdists, else ../shared, else none.

``python tests/corpora.py`` (run by ``make test``) downloads with pip, from the package
registry, the source distributions that carry each corpus — feedparser's of the installed
version (its whole ``tests/`` tree, ~2,200 feeds) and listparser 0.18's (its OPML tests) —
and unpacks their ``tests/`` folders into ``.cache/corpora/`` (ignored by git). It never
fails: without a registry it says so and the tests fall back to ``../shared/data/``, or skip
saying why. Tests only read; they never fetch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE = PROJECT_ROOT / ".cache" / "corpora"
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
# listparser's tests left its sdists after 0.18; later files are shaped the same way.
LISTPARSER_SDIST = "0.18"
DONE = ".complete"


@dataclass(frozen=True)
class Corpus:
    """Where a corpus comes from: a sdist (``package``, ``version``) or ../shared (``shared``)."""

    name: str
    package: str
    version: str | None
    shared: Path

    @property
    def cached(self) -> Path:
        return CACHE / f"{self.package}-{self.version}" / "tests"

    def locate(self) -> tuple[Path | None, str]:
        """The corpus folder and where it came from, or None and why it is missing."""
        if self.version and (self.cached.parent / DONE).is_file():
            return self.cached, f"{self.package} {self.version} sdist"
        if self.shared.is_dir():
            return self.shared, f"shared sample at {self.shared}"
        return None, (f"{self.name} corpus missing: {self.cached} not fetched (run "
                      f"`python tests/corpora.py` with access to the package registry) and "
                      f"no {self.shared}")


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


FEEDPARSER = Corpus("feedparser", "feedparser", _installed("feedparser"),
                    SHARED_DATA / "feedparser-corpus" / "tests")
LISTPARSER = Corpus("OPML", "listparser", LISTPARSER_SDIST, SHARED_DATA / "opml-listparser")
ALL = (FEEDPARSER, LISTPARSER)


def _download(package: str, release: str, into: Path) -> Path:
    subprocess.run(  # noqa: S603 - fixed arguments, this interpreter's pip
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--no-binary", ":all:", "--disable-pip-version-check", "--timeout", "20",
         "--retries", "1", "--dest", str(into), f"{package}=={release}"],
        check=True, stdin=subprocess.DEVNULL)
    [archive] = [p for p in into.iterdir() if p.suffix in (".gz", ".zip")]
    return archive


def _unpack_tests(archive: Path, into: Path) -> int:
    """Extract only ``<root>/tests/**`` of ``archive`` into ``into/tests``; returns files."""
    count = 0
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                parts = Path(info.filename).parts
                if len(parts) > 2 and parts[1] == "tests" and not info.is_dir():
                    if any(part in ("..", "") or part.startswith("/") for part in parts):
                        raise ValueError(f"unsafe path in {archive.name}: {info.filename}")
                    target = into / Path(*parts[1:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(zf.read(info))
                    count += 1
        return count
    with tarfile.open(archive) as tf:
        members = []
        for member in tf.getmembers():
            parts = Path(member.name).parts
            if (len(parts) > 2 and parts[1] == "tests" and member.isfile()
                    and ".." not in parts and not Path(member.name).is_absolute()):
                member.name = str(Path(*parts[1:]))
                members.append(member)
        try:
            # The "data" filter also refuses odd modes and device files.
            tf.extractall(into, members=members, filter="data")
        except TypeError:
            # Pythons before 3.11.4 (Debian 12's 3.11.2) have no extraction filters; the
            # members are plain files whose relative names were checked above.
            tf.extractall(into, members=members)  # noqa: S202
        return len(members)


def fetch(corpus: Corpus) -> str:
    if not corpus.version:
        return f"{corpus.package} is not installed; nothing to fetch"
    home = corpus.cached.parent
    if (home / DONE).is_file():
        return f"{corpus.package} {corpus.version}: already in {home}"
    with tempfile.TemporaryDirectory(prefix="corpora-") as tmp:
        archive = _download(corpus.package, corpus.version, Path(tmp))
        staging = Path(tmp) / "unpacked"
        count = _unpack_tests(archive, staging)
        if not count:
            return f"{archive.name} has no tests/ folder"
        home.mkdir(parents=True, exist_ok=True)
        if corpus.cached.exists():
            shutil.rmtree(corpus.cached)
        (staging / "tests").rename(corpus.cached)
    (home / DONE).write_text(f"{count} files from {archive.name}\n")
    return f"{corpus.package} {corpus.version}: {count} test files into {home}"


def main() -> int:
    for corpus in ALL:
        try:
            print(f"corpora: {fetch(corpus)}")
        except subprocess.CalledProcessError as err:
            _path, where = corpus.locate()
            print(f"corpora: pip could not download {corpus.package} {corpus.version} "
                  f"(exit {err.returncode}); tests will use: {where}")
        except (OSError, ValueError, tarfile.TarError, zipfile.BadZipFile) as err:
            _path, where = corpus.locate()
            print(f"corpora: could not unpack {corpus.package} {corpus.version} ({err}); "
                  f"tests will use: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
