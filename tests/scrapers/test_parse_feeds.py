"""parse_feed: feed bytes + headers in, EntryData out (no network, no database)."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scrapers.adapters import get_adapter
from scrapers.parse import parse_feed
from tests.corpora import FEEDPARSER

CORPUS, SOURCE = FEEDPARSER.locate()
GENERIC = get_adapter("generic")
URL = "http://blog.example.org/feeds/rss.xml"


def rss(items: str, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{decl}<rss version="2.0"><channel><title>Blog</title><link>http://blog.'
            f'example.org/</link>{items}</channel></rss>').encode()


def item(title="A diary", link="http://blog.example.org/d/1", guid=None, extra=""):
    guid_xml = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
    return f"<item><title>{title}</title><link>{link}</link>{guid_xml}{extra}</item>"


def test_entries_become_diary_fields():
    body = rss(item(title="Single payer now", guid="g-1", extra=(
        "<author>nyceve@example.org (nyceve)</author><category>health care</category>"
        "<category>HR 676</category><pubDate>Fri, 29 Jun 2007 16:15:00 GMT</pubDate>"
        "<description>&lt;p onclick='x'&gt;See &lt;a href='/more'&gt;more&lt;/a&gt;"
        "&lt;script&gt;bad()&lt;/script&gt;&lt;/p&gt;</description>")))
    parsed = parse_feed(body, {"Content-Type": "application/rss+xml"}, URL, GENERIC)
    assert parsed.error is None and not parsed.bozo and parsed.title == "Blog"
    [entry] = parsed.entries
    assert entry.guid == "g-1" and entry.title == "Single payer now"
    assert entry.url == "http://blog.example.org/d/1"
    assert entry.author == "nyceve"
    assert entry.tags == ("health care", "HR 676")
    assert entry.published_at == datetime(2007, 6, 29, 16, 15, tzinfo=UTC)
    assert entry.summary_html == ('<p>See <a href="http://blog.example.org/more" '
                                  'rel="noopener noreferrer nofollow">more</a></p>')
    assert len(entry.content_hash) == 64


def test_content_hash_changes_when_the_entry_is_edited():
    one = parse_feed(rss(item(title="Draft")), {}, URL, GENERIC).entries[0]
    same = parse_feed(rss(item(title="Draft")), {}, URL, GENERIC).entries[0]
    edited = parse_feed(rss(item(title="Final")), {}, URL, GENERIC).entries[0]
    assert one.content_hash == same.content_hash != edited.content_hash


def test_a_missing_guid_falls_back_to_the_link_and_a_repeated_guid_is_one_diary():
    body = rss(item(link="http://blog.example.org/d/1?utm_source=rss#c", guid=None)
               + item(title="Two", link="http://blog.example.org/d/2", guid="same")
               + item(title="Three", link="http://blog.example.org/d/3", guid="same")
               + item(title="Four", link="http://blog.example.org/d/3", guid="same"))
    parsed = parse_feed(body, {}, URL, GENERIC)
    # Canonical link, tracking stripped; the guid listed three times is the first copy.
    assert [(e.guid, e.title) for e in parsed.entries] == [
        ("http://blog.example.org/d/1", "A diary"), ("same", "Two")]
    assert parsed.notes == ("2 repeated guid(s) ignored",)


def test_relative_links_resolve_against_the_feed_url():
    entry = parse_feed(rss(item(link="/d/7")), {}, URL, GENERIC).entries[0]
    assert entry.url == "http://blog.example.org/d/7"


def test_a_content_location_header_is_the_base_for_relative_links():
    body = rss(item(link="d/7", extra="<description>&lt;a href='../more'&gt;m&lt;/a&gt;"
                                      "</description>"))
    [entry] = parse_feed(body, {"Content-Location": "/archive/2007/feed.xml"}, URL,
                         GENERIC).entries
    assert entry.url == "http://blog.example.org/archive/2007/d/7"
    assert 'href="http://blog.example.org/archive/more"' in entry.summary_html


def test_a_path_guid_is_the_same_diary_as_its_full_url():
    body = rss("<item><title>T</title><link>http://blog.example.org/d/7</link>"
               "<guid>/d/7</guid></item><item><title>U</title><guid isPermaLink='false'>"
               "abc-123</guid><link>http://blog.example.org/d/8</link></item>")
    entries = parse_feed(body, {}, URL, GENERIC).entries
    assert [e.guid for e in entries] == ["http://blog.example.org/d/7", "abc-123"]
    # diaryboost 0.1 stored a bare id resolved against the feed URL; the store matches it.
    assert entries[1].former_guids == ("http://blog.example.org/feeds/abc-123",)
    assert entries[0].former_guids == ()


def test_a_relative_xml_base_resolves_against_the_feed_url():
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="/blog/"><title>B</title>'
            b'<entry><title>Single payer</title><id>urn:x:1</id><link href="d/1"/>'
            b'<summary type="html">&lt;a href="img/x"&gt;x&lt;/a&gt;</summary></entry></feed>')
    [entry] = parse_feed(body, {"Content-Type": "application/atom+xml"}, URL,
                         GENERIC).entries
    assert entry.url == "http://blog.example.org/blog/d/1"
    assert 'href="http://blog.example.org/blog/img/x"' in entry.summary_html


def test_malformed_feed_that_still_has_entries_is_bozo_with_entries():
    body = rss(item(title="Tom & Jerry") + item(title="Second <br> one",
                                                link="http://blog.example.org/d/2"))
    body = body.replace(b"</channel></rss>", b"")
    parsed = parse_feed(body, {}, URL, GENERIC)
    assert parsed.bozo and parsed.bozo_message
    assert parsed.error is None
    assert [e.url for e in parsed.entries] == ["http://blog.example.org/d/1",
                                               "http://blog.example.org/d/2"]


@pytest.mark.parametrize("body", [b"", b"<html><body>Not a feed</body></html>",
                                  b"\x00\x01garbage", b"<rss><channel><item><title>x"])
def test_documents_without_entries_give_a_clear_error(body):
    parsed = parse_feed(body, {"Content-Type": "text/html"}, URL, GENERIC)
    assert parsed.entries == []
    assert parsed.error and "\n" not in parsed.error


def test_an_empty_but_valid_feed_is_not_an_error():
    parsed = parse_feed(rss(""), {}, URL, GENERIC)
    assert parsed.entries == [] and parsed.error is None


def test_wrong_declared_encoding_still_reads_the_text():
    body = rss(item(title="Caf\u00e9 \u2014 SiCKO")).decode().encode("cp1252")
    parsed = parse_feed(body, {"Content-Type": "application/rss+xml; charset=utf-8"},
                        URL, GENERIC)
    assert parsed.bozo
    assert parsed.entries[0].title == "Caf\u00e9 \u2014 SiCKO"


def test_http_charset_header_is_honoured():
    body = rss(item(title="Caf\u00e9"), decl='<?xml version="1.0"?>').decode().encode("latin-1")
    parsed = parse_feed(body, {"content-type": "text/xml; charset=iso-8859-1"}, URL, GENERIC)
    assert parsed.entries[0].title == "Caf\u00e9"


def _corpus_files():
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


def _corpus_headers(raw: bytes) -> dict[str, str]:
    headers = {}
    for line in re.findall(rb"Header:\s*([^\r\n]+)", raw[:2000]):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip()] = value.strip()
    return headers


def _assert_sanitized(html: str, where: Path):
    assert "<script" not in html.lower(), where
    assert "javascript:" not in html.lower(), where
    tree = LexborHTMLParser(f"<div>{html}</div>")
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), (where, name)
            if name in ("href", "src"):
                assert (value or "").startswith(("http://", "https://")), (where, value)
        assert node.tag not in {"script", "style", "iframe", "object", "embed", "form"}, where


@pytest.mark.skipif(CORPUS is None, reason=SOURCE)
def test_feedparser_corpus_never_raises_and_always_sanitizes():
    files = _corpus_files()
    assert len(files) > 50
    produced = 0
    for path in files:
        raw = path.read_bytes()
        parsed = parse_feed(raw, _corpus_headers(raw), "http://corpus.example.org/feed.xml",
                            GENERIC)
        assert parsed.error is None or parsed.entries == [], path
        for entry in parsed.entries:
            produced += 1
            assert entry.guid and entry.title, path
            _assert_sanitized(entry.summary_html, path)
    assert produced > 30


def test_an_xml_base_that_is_not_a_web_url_is_ignored():
    body = (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom' "
            b"xml:base='javascript:alert(1)//'><title>t</title><entry><title>x</title>"
            b"<link href='d/1'/><id>tag:x,2007:1</id><summary type='html'>"
            b"&lt;a href='d/2'&gt;two&lt;/a&gt;</summary></entry></feed>")
    [entry] = parse_feed(body, {}, URL, GENERIC).entries
    assert entry.url == "http://blog.example.org/feeds/d/1"
    assert 'href="http://blog.example.org/feeds/d/2"' in entry.summary_html
