"""OPML in other encodings and OPML built to hurt: decoded by what the document says,
DTDs refused after decoding, a huge upload never read whole — through the service, the
admin page and `sources import-opml`."""

import io

import pytest
from sqlalchemy import func, select

from app.errors import ValidationError
from app.sources import opml
from models import Feed
from tests.admin.test_admin_cli import invoke  # noqa: F401 - the CLI fixture
from tests.admin.test_admin_pages import _token, admin  # noqa: F401 - page fixtures
from tests.factories import T0

TITLE = "Caf\u00e9 sant\u00e9 \u2014 \u00e0 la carte"
LATIN1_TITLE = "Caf\u00e9 sant\u00e9"


def _opml(encoding: str, title: str = TITLE, decl: str | None = None) -> bytes:
    decl = f'<?xml version="1.0" encoding="{decl or encoding}"?>\n'
    return (decl + '<opml version="2.0"><head><title>t</title></head><body>'
            f'<outline type="rss" text="{title}" xmlUrl="https://a.example/feed"/>'
            '</body></opml>').encode(encoding)


def _bomb(encoding: str = "utf-8") -> bytes:
    """A billion laughs: ten levels of ten entities, ~10^9 characters once expanded."""
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            f'<!DOCTYPE opml [{entities}]>'
            '<opml version="2.0"><head><title>&l9;</title></head><body>'
            '<outline text="x" xmlUrl="https://a.example/&l9;"/></body></opml>'
            ).encode(encoding)


def _feeds(session) -> int:
    return session.scalar(select(func.count(Feed.id)))


@pytest.mark.parametrize("encoding, decl, title", [
    ("utf-16", None, TITLE),                     # with a byte order mark
    ("utf-16-le", "UTF-16", TITLE),              # no mark: told by the first bytes
    ("utf-16-be", "UTF-16", TITLE),
    ("iso-8859-1", None, LATIN1_TITLE),          # told by the declaration
    ("cp1252", "windows-1252", "Caf\u00e9 \u201csant\u00e9\u201d"),
])
def test_opml_in_other_encodings_imports_with_its_titles(db_session, make_site, encoding,
                                                         decl, title):
    make_site(slug="imports")
    added = opml.import_opml(db_session, _opml(encoding, title, decl), "imports", T0)
    assert [(f.url, f.title) for f in added] == [("https://a.example/feed", title)]


@pytest.mark.parametrize("data, message", [
    (_bomb("utf-16"), "DOCTYPE"),
    (_bomb("utf-8"), "DOCTYPE"),
    (_bomb("utf-16")[:2] + _bomb("utf-16")[2:].replace("<!DOCTYPE".encode("utf-16-le"),
                                                       "<!doctype".encode("utf-16-le")),
     "DOCTYPE|not well-formed"),
    (_opml("utf-8", decl="no-such-codec"), "unknown encoding 'no-such-codec'"),
    (_opml("iso-8859-1", LATIN1_TITLE, decl="utf-8"), "not valid utf-8 text"),
    (_opml("utf-8", decl="rot13"), "unknown encoding 'rot13'"),
])
def test_hostile_opml_is_refused_with_nothing_imported(db_session, make_site, data, message):
    make_site(slug="imports")
    with pytest.raises(ValidationError, match=message) as caught:
        opml.import_opml(db_session, data, "imports", T0)
    assert caught.value.message.startswith("OPML file refused")
    assert _feeds(db_session) == 0


def test_upload_reads_stop_just_past_the_limit():
    class Endless(io.RawIOBase):
        """As if a client sent 300 MB: it counts what is read from it."""

        handed = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            n = min(len(buffer), 300 * 1024 * 1024 - self.handed)
            buffer[:n] = b"a" * n
            self.handed += n
            return n

    stream = Endless()
    with pytest.raises(ValidationError, match="larger than 2048 KiB"):
        opml.read_bounded(io.BufferedReader(stream))
    assert stream.handed <= opml.MAX_OPML_BYTES + 1024 * 1024


def test_admin_page_imports_latin1_and_refuses_utf16_entities(client, admin,  # noqa: F811
                                                              make_site, db_session):
    make_site(slug="dk")
    res = client.post("/admin/sources/opml", data={
        "csrf_token": _token(client), "site": "dk",
        "opml": (io.BytesIO(_bomb("utf-16")), "laughs.opml")},
        content_type="multipart/form-data")
    assert res.status_code == 400 and "DOCTYPE" in res.get_data(as_text=True)
    assert _feeds(db_session) == 0
    res = client.post("/admin/sources/opml", follow_redirects=True, data={
        "csrf_token": _token(client), "site": "dk",
        "opml": (io.BytesIO(_opml("iso-8859-1", LATIN1_TITLE)), "latin1.opml")},
        content_type="multipart/form-data")
    assert res.status_code == 200 and "OPML: imported 1 feed" in res.get_data(as_text=True)
    assert db_session.scalar(select(Feed.title)) == LATIN1_TITLE


def test_cli_import_refuses_the_bomb_and_imports_utf16(invoke, make_site,  # noqa: F811
                                                      db_session, tmp_path):
    make_site(slug="dk")
    bomb = tmp_path / "laughs.opml"
    bomb.write_bytes(_bomb("utf-16"))
    res = invoke("import-opml", str(bomb), "--site", "dk")
    assert res.exit_code == 1 and "DOCTYPE" in res.output
    assert _feeds(db_session) == 0
    utf16 = tmp_path / "utf16.opml"
    utf16.write_bytes(_opml("utf-16"))
    res = invoke("import-opml", str(utf16), "--site", "dk")
    assert res.exit_code == 0 and "imported 1 feed," in res.output
    assert db_session.scalar(select(Feed.title)) == TITLE
