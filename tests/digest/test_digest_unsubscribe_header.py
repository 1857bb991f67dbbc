"""List-Unsubscribe as mail clients need it, and links that last until the user resets them."""

from __future__ import annotations

import re

from app.digest.send import send_week
from tests.conftest import csrf_from
from tests.digest.seed import SEND_AT, WEEK, seed_week
from tests.factories import PASSWORD

RAW_HEADER = re.compile(
    rb"\r\nList-Unsubscribe: <(http://127\.0\.0\.1:5000/digest/unsubscribe/[\w.\-]+)>\r\n")


def test_list_unsubscribe_is_a_raw_header_with_one_click_post(db_session, session_factory,
                                                               mail_config, smtp_server):
    inbox, _ = smtp_server
    seed_week(db_session)
    send_week(mail_config, session_factory, WEEK, SEND_AT)
    assert len(inbox.raw) == 3
    for raw in inbox.raw:
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert RAW_HEADER.search(head), head.decode(errors="replace")
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in head
        assert b"List-Unsubscribe: =?" not in head  # never an RFC 2047 encoded word


def _mailed_link(inbox, email: str) -> str:
    raw = next(r for r, m in zip(inbox.raw, inbox.messages, strict=True) if email in m["To"])
    return RAW_HEADER.search(raw)[1].decode().removeprefix("http://127.0.0.1:5000")


def test_mailed_link_works_until_reset_on_the_profile(app, client, db_session, session_factory,
                                                      mail_config, smtp_server):
    from models import User

    inbox, _ = smtp_server
    seed_week(db_session)
    send_week(mail_config, session_factory, WEEK, SEND_AT)
    alice = db_session.query(User).filter_by(email="alice@example.org").one()
    link = _mailed_link(inbox, alice.email)
    one_click = {"data": "List-Unsubscribe=One-Click",
                 "content_type": "application/x-www-form-urlencoded"}
    # Days later, after the user changed their password, the provider's POST still works.
    alice_client = app.test_client()
    login_page = csrf_from(alice_client.get("/login").get_data(as_text=True))
    assert alice_client.post("/login", data={"email": alice.email, "password": PASSWORD,
                                             "csrf_token": login_page}).status_code == 302
    token = csrf_from(alice_client.get("/profile/").get_data(as_text=True))
    assert alice_client.post("/profile/password", data={
        "current_password": PASSWORD, "new_password": "another long password",
        "confirm": "another long password", "csrf_token": token}).status_code == 303
    assert client.post(link, **one_click).status_code == 200
    db_session.refresh(alice)
    assert alice.digest_opt_in is False
    # Subscribed again, then the links are reset: the old one is refused and changes nothing.
    alice.digest_opt_in = True
    db_session.flush()
    token = csrf_from(alice_client.get("/profile/").get_data(as_text=True))
    reset = alice_client.post("/profile/unsubscribe-links/reset", data={"csrf_token": token})
    assert reset.status_code == 303
    assert client.post(link, **one_click).status_code == 404
    db_session.refresh(alice)
    assert alice.digest_opt_in is True
