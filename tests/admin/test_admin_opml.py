"""OPML import (all or nothing, against listparser's own test corpus) and export."""

from pathlib import Path

import listparser
import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.sources import opml
from app.sources import service as sources
from models import Feed
from tests.corpora import LISTPARSER
from tests.factories import T0

CORPUS, SOURCE = LISTPARSER.locate()
FILES = sorted(CORPUS.rglob("*.xml")) if CORPUS else []
needs_corpus = pytest.mark.skipif(CORPUS is None, reason=SOURCE)


def _feed_count(session) -> int:
    return session.scalar(select(func.count(Feed.id)))


def _expected_urls(data: bytes) -> list[str]:
    """What a lenient reader (listparser) finds: the feeds a good import must match."""
    seen: list[str] = []
    for feed in listparser.parse(data).feeds:
        if feed.url not in seen:
            seen.append(feed.url)
    return seen


def _listparser_bozo(data: bytes) -> bool:
    """listparser finds the file broken, or cannot even read it (it assumes UTF-8)."""
    try:
        return bool(listparser.parse(data).bozo)
    except UnicodeDecodeError:
        return True


@needs_corpus
def test_corpus_is_there():
    assert len(FILES) >= 20, f"OPML corpus too small under {CORPUS} ({SOURCE})"


@needs_corpus
def test_every_corpus_file_imports_exactly_its_feeds_or_is_refused_cleanly(db_session,
                                                                           make_site):
    make_site(slug="imports")
    outcomes: dict[str, str] = {}
    for path in FILES:
        name = path.relative_to(CORPUS).as_posix()
        data = path.read_bytes()
        before = _feed_count(db_session)
        savepoint = db_session.begin_nested()
        try:
            added = opml.import_opml(db_session, data, "imports", T0)
        except ValidationError as err:
            savepoint.rollback()
            assert err.message.startswith("OPML file refused"), (name, err.message)
            assert _feed_count(db_session) == before, name
            outcomes[name] = "refused"
            continue
        urls = _expected_urls(data)
        assert urls, f"{name}: imported although listparser finds no feeds"
        assert sorted(f.url for f in added) == sorted(urls), name
        assert all(u.startswith(("http://", "https://")) for u in urls)
        assert _feed_count(db_session) == before + len(urls), name
        savepoint.rollback()  # each file starts from the same empty site
        outcomes[name] = "imported"
    # Broken files never import, even where listparser recovers feeds from them.
    for path in FILES:
        name = path.relative_to(CORPUS).as_posix()
        if path.parent.name == "malformed" or _listparser_bozo(path.read_bytes()):
            assert outcomes[name] == "refused", name
    # Well-formed files with feeds import; the ones without an xmlUrl are refused.
    assert outcomes["opml/outline_type-rss.xml"] == "imported"
    assert outcomes["opml/categories/hier-2-nested.xml"] == "imported"
    assert outcomes["opml/outline-duplication-1.xml"] == "imported"
    assert outcomes["opml/opml_version-2.xml"] == "refused"
    assert outcomes["opml/opportunities/opml-htmlUrl_alone.xml"] == "refused"
    assert list(outcomes.values()).count("imported") >= 8


def _first_present(*names: str) -> Path:
    """The first of ``names`` in the corpus, else in the shared sample: listparser's sdist
    and the (newer) shared sample hold some different cases."""
    for folder in (CORPUS, LISTPARSER.shared):
        for name in names:
            if folder and (folder / name).is_file():
                return folder / name
    pytest.skip(f"none of {names} in the OPML corpus ({SOURCE}) nor in {LISTPARSER.shared}")


@pytest.mark.parametrize("names, message", [
    (["malformed/concatenated-documents.xml"], "not well-formed XML"),
    (["malformed/end-element-missing.xml"], "not well-formed XML"),
    (["bad_bytes-00ff.xml"], "not valid UTF-8 text"),
    (["malformed/undefined-entity-attribute.xml", "injection/attribute-node.xml"],
     "undefined entity"),
    (["opml/opml_version-1.xml"], "no outlines with an xmlUrl"),
    (["opml/head_dateCreated-invalid.xml"], "no outlines with an xmlUrl|no feeds found"),
])
def test_refusals_say_why(db_session, make_site, names, message):
    make_site(slug="imports")
    path = _first_present(*names)
    with pytest.raises(ValidationError, match=message):
        opml.import_opml(db_session, path.read_bytes(), "imports", T0)


OPML_TEMPLATE = """<?xml version="1.0"?>
<opml version="2.0"><head/><body>
  <outline text="group">{}</outline>
</body></opml>"""


def _doc(*urls: str) -> bytes:
    return OPML_TEMPLATE.format("".join(
        f'<outline type="rss" text="f{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls))).encode()


def test_one_bad_url_refuses_the_whole_file_naming_it(db_session, make_site):
    make_site(slug="imports")
    data = _doc("https://a.example/feed", "file:///etc/passwd", "https://b.example/feed")
    with pytest.raises(ValidationError, match="file:///etc/passwd"):
        opml.import_opml(db_session, data, "imports", T0)
    assert _feed_count(db_session) == 0


def test_feeds_already_present_are_skipped_and_reported(db_session, make_site, make_feed):
    site = make_site(slug="imports")
    make_feed(site, url="https://a.example/feed")
    added = sources.import_opml(db_session, _doc("https://a.example/feed",
                                                 "https://b.example/feed"), "imports", T0)
    assert [f.url for f in added] == ["https://b.example/feed"]
    assert added.skipped == ["https://a.example/feed"]
    assert added[0].next_poll_at == T0 and added[0].title == "f1"


def test_doctype_and_entities_are_refused(db_session, make_site):
    make_site(slug="imports")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]>'
            b'<opml><body><outline xmlUrl="https://x.example/&a;"/></body></opml>')
    with pytest.raises(ValidationError, match="DOCTYPE"):
        opml.import_opml(db_session, bomb, "imports", T0)


def test_unknown_site_and_empty_file(db_session, make_site):
    from app.errors import NotFound

    with pytest.raises(NotFound):
        opml.import_opml(db_session, _doc("https://a.example/f"), "nope", T0)
    make_site(slug="imports")
    with pytest.raises(ValidationError, match="empty"):
        opml.import_opml(db_session, b"  \n", "imports", T0)


def test_export_then_import_round_trip(db_session, make_site, make_feed, tmp_path: Path):
    dk = make_site(slug="dk", name="Daily <Kos> & friends", base_url="https://dk.example")
    mydd = make_site(slug="mydd", name="MyDD", base_url="https://mydd.example")
    urls = ["https://dk.example/rss.xml?a=1&b=2", "https://dk.example/tag/\"sicko\"",
            "https://mydd.example/feed"]
    make_feed(dk, url=urls[0], title="Diaries <all> & more")
    make_feed(dk, url=urls[1])
    make_feed(mydd, url=urls[2])
    data = sources.export_opml(db_session, T0)
    assert data.startswith(b"<?xml") and b'version="2.0"' in data
    parsed = listparser.parse(data)
    assert not parsed.bozo
    assert sorted(f.url for f in parsed.feeds) == sorted(urls)
    # Grouped by site: each feed's category is its site's folder.
    by_url = {f.url: f.categories for f in parsed.feeds}
    assert by_url[urls[0]] == [["Daily <Kos> & friends"]]
    assert by_url[urls[2]] == [["MyDD"]]
    # Remove the feeds, then import the export: the same feeds come back.
    for feed in list(db_session.scalars(select(Feed))):
        db_session.delete(feed)
    db_session.flush()
    added = sources.import_opml(db_session, data, "dk", T0)
    assert sorted(f.url for f in added) == sorted(urls)
    assert {f.url: f.title for f in added}[urls[0]] == "Diaries <all> & more"
