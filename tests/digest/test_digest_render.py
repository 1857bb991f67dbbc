"""render(): both parts, escaping of titles that come from feeds, per-recipient parts."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from app.digest.render import Recipient, render
from app.mail import Mail, build_message
from tests.conftest import make_config
from tests.digest.seed import sample_digest

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> Single payer\nBcc: x@evil.test'


def _reader(admin=False):
    return Recipient(7, "Alice", "alice@example.org", "America/Los_Angeles", admin,
                     "https://boost.example.org/digest/unsubscribe/tok")


def test_hostile_titles_are_text_in_html_and_one_line_everywhere(tmp_path):
    out = render(sample_digest(title=HOSTILE), _reader())
    tree = LexborHTMLParser(out.html)
    assert tree.css("script") == [] and tree.css("img") == []
    assert not any(node.attributes.get("onerror") for node in tree.css("*"))
    titles = [a.text() for a in tree.css("a.title")]
    flat = " ".join(HOSTILE.split())
    assert flat in titles  # shown literally, as the blogger wrote it, on one line
    assert "&lt;script&gt;" in out.html
    # The plain-text part shows the title literally, and never breaks its line.
    assert f"* {flat} (Daily Kos)" in out.text
    assert "\nBcc:" not in out.text
    # The subject carries the title on one line: it cannot add a header.
    assert "\n" not in out.subject and "\r" not in out.subject
    msg = build_message(make_config(tmp_path), Mail(to="alice@example.org",
                                                    subject=out.subject, text=out.text))
    assert msg["Bcc"] is None
    assert "<script>alert(1)</script>" in str(msg["Subject"])


def test_html_is_mail_client_friendly():
    out = render(sample_digest(), _reader())
    tree = LexborHTMLParser(out.html)
    assert tree.css("style") == [] and tree.css("link") == []  # every style inlined
    wrap = tree.css_first("table.wrap")
    assert "max-width: 600px" in wrap.attributes["style"]
    assert all(a.attributes["href"].startswith("https://") for a in tree.css("a"))
    assert tree.css_first('a[href="https://boost.example.org/boost/"]') is not None


def test_admins_alone_see_feeds_in_trouble_and_times_are_in_the_readers_zone():
    blogger, admin = render(sample_digest(), _reader()), render(sample_digest(), _reader(True))
    assert "Feeds in trouble" not in blogger.html + blogger.text
    assert "failing: 7 errors in a row" in admin.html and "failing: 7 errors" in admin.text
    # Open place at Mon 23 Nov 18:00 UTC is 10:00 in Los Angeles.
    assert "Mon 23 Nov 10:00-12:00 Daily Kos, recommend: 2 places open" in blogger.text
    assert "Stop it: https://boost.example.org/digest/unsubscribe/tok" in blogger.text

