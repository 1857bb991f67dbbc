"""Real-world input: feedparser's own test feeds, served over HTTP and polled.

Each file is served with the headers its ``Header:`` comment lines give. None may raise out
of the poller; every entry feedparser finds with content is stored, sanitized; feeds that
are not well-formed are flagged (bozo) in the poll log.
"""

from __future__ import annotations

import re

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from models import Diary, PollLog, Site
from scrapers.pipeline import poll_feed
from tests.conftest import SHARED_DATA
from tests.intake.conftest import add_feed

CORPUS = SHARED_DATA / "feedparser-corpus" / "tests"
HEADER = re.compile(rb"^Header:\s+([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "meta", "link",
                  "base", "svg", "math"}


def corpus_files():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus missing at {CORPUS}")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def headers_of(body: bytes) -> dict[str, str]:
    headers = {name.decode(): value.decode("latin-1") for name, value in HEADER.findall(body)}
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/xml"
    return headers


def assert_sanitized(html: str, where: str) -> None:
    tree = LexborHTMLParser(f"<div>{html}</div>")
    for node in tree.root.traverse():
        assert node.tag not in FORBIDDEN_TAGS, (where, html)
        for name, value in (node.attributes or {}).items():
            assert not name.lower().startswith("on") and name.lower() != "style", (where, html)
            if name in ("href", "src") and value:
                assert value.startswith(("http://", "https://")), (where, value)


def has_content(entry) -> bool:
    """An entry that can be a diary: something to link to, and something to show."""
    return bool((entry.get("link") or entry.get("id"))
                and (entry.get("title") or entry.get("summary") or entry.get("content")))


def test_every_corpus_feed_is_polled_without_raising(db_session, session_factory, network,
                                                    fetcher):
    files = corpus_files()
    assert len(files) > 50
    base = network.base_url
    polled = []
    for n, path in enumerate(files):
        body = path.read_bytes()
        headers = headers_of(body)
        rel = path.relative_to(CORPUS).as_posix()
        url = network.serve_file(f"/corpus/{rel}", body, headers)
        site = Site(slug=f"corpus{n}", name=rel[:100], base_url=base, platform="generic")
        db_session.add(site)
        db_session.flush()
        feed = add_feed(db_session, site, url)
        outcome = poll_feed(session_factory, feed.id, network.now, fetcher)  # never raises
        polled.append((path, body, headers, site, feed, outcome))

    stored_any = 0
    for path, body, headers, site, feed, outcome in polled:
        where = path.relative_to(CORPUS).as_posix()
        oracle = feedparser.parse(body, response_headers={k.lower(): v
                                                          for k, v in headers.items()})
        [log] = db_session.scalars(select(PollLog).where(PollLog.feed_id == feed.id)).all()
        diaries = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).all()
        with_content = [e for e in oracle.entries if has_content(e)]
        if with_content:
            assert outcome.outcome == "ok", (where, outcome)
            assert len(diaries) == len(with_content), where
        assert len(diaries) <= len(oracle.entries), where
        if outcome.outcome == "ok":
            assert log.new_count == len(diaries), where
            assert log.bozo == bool(oracle.bozo), (where, log.bozo, oracle.bozo)
            if oracle.bozo:
                assert log.warning, where
        else:
            assert outcome.outcome == "error" and log.error, (where, outcome)
        for diary in diaries:
            assert_sanitized(diary.summary_html, where)
        stored_any += len(diaries)
    assert stored_any >= 30
