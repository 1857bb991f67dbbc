"""Real-world input: feedparser's own test feeds (its whole sdist corpus), served and polled.

Each file is served with the headers its ``Header:`` comment lines give. None may raise out
of the poller; every entry feedparser finds with content is stored, sanitized; feeds that
are not well-formed are flagged (bozo) in the poll log. For the encoding and entity folders
only "no crash, clean stored text" is checked: our decoding and entity policy may rightly
differ from feedparser's own expectations there.
"""

from __future__ import annotations

import re

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from models import Diary, PollLog, Site
from scrapers.poll import poll_feed
from tests.corpora import FEEDPARSER
from tests.intake.conftest import add_feed

CORPUS, SOURCE = FEEDPARSER.locate()
# Folders where feedparser's exact results are not ours to match (see the module docstring).
OWN_POLICY = ("encoding", "entities")
# Batches small enough for xdist to spread over both cores, big enough to share one network.
BATCH = 150
HEADER = re.compile(rb"^Header:\s+([\w-]+):\s*(.*?)\s*$", re.MULTILINE)
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "meta", "link",
                  "base", "svg", "math"}


def corpus_files() -> list:
    if CORPUS is None:
        return []
    # runtests.py is feedparser's own harness, not a feed.
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".py")


FILES = corpus_files()
BATCHES = [FILES[i:i + BATCH] for i in range(0, len(FILES), BATCH)] or [None]


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


def assert_clean_text(diary, where: str) -> None:
    """Stored text is real text: no NULs, control characters or unpaired surrogates."""
    for value in (diary.title, diary.author or "", diary.summary_html, diary.url, diary.guid):
        value.encode("utf-8")  # raises on a lone surrogate
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value), (where, value)


def has_content(entry) -> bool:
    """An entry that can be a diary: a link or a title (an id and a summary alone say
    nothing a teammate could open or recognise; the whole corpus has such RDF items)."""
    return bool(entry.get("link", "").strip() or entry.get("title", "").strip())


def test_the_corpus_is_the_whole_one_when_fetched():
    if CORPUS is None:
        pytest.skip(SOURCE)
    # The sdist carries ~2,200 feeds; the shared sample about a hundred.
    assert len(FILES) > (2000 if "sdist" in SOURCE else 50), SOURCE


@pytest.mark.parametrize("files", BATCHES, ids=lambda b: b and b[0].relative_to(CORPUS)
                         .as_posix().replace("/", ".") or "none")
def test_every_corpus_feed_is_polled_without_raising(files, db_session, session_factory,
                                                    network, fetcher):
    if files is None:
        pytest.skip(SOURCE)
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

    for path, body, headers, site, feed, outcome in polled:
        where = path.relative_to(CORPUS).as_posix()
        diaries = db_session.scalars(select(Diary).where(Diary.site_id == site.id)).all()
        for diary in diaries:
            assert_sanitized(diary.summary_html, where)
            assert_clean_text(diary, where)
        if where.startswith(OWN_POLICY):
            continue
        oracle = feedparser.parse(body, response_headers={k.lower(): v
                                                          for k, v in headers.items()})
        [log] = db_session.scalars(select(PollLog).where(PollLog.feed_id == feed.id)).all()
        with_content = [e for e in oracle.entries if has_content(e)]
        if with_content:
            assert outcome.outcome == "ok", (where, outcome)
            # One diary per guid (a guid repeated within a feed is one diary); entries
            # without a guid are told apart by link and title.
            distinct = {e.get("id") or (e.get("link"), e.get("title")) for e in with_content}
            assert len(diaries) == len(distinct), where
        assert len(diaries) <= len(oracle.entries), where
        if outcome.outcome == "ok":
            assert log.new_count == len(diaries), where
            assert log.bozo == bool(oracle.bozo), (where, log.bozo, oracle.bozo)
            if oracle.bozo:
                assert log.warning, where
        else:
            assert outcome.outcome == "error" and log.error, (where, outcome)
