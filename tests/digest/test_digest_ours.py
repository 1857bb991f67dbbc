"""The digest marks our own diaries, and replays a step-aging site with its own curve."""

from __future__ import annotations

from datetime import timedelta

from app.boost import our_diaries
from app.digest.build import build_week
from app.digest.render import Recipient, render
from tests import factories
from tests.digest.seed import SEND_AT, WEEK, seed_week
from tests.factories import T0


def _reader():
    return Recipient(7, "Bob", "bob@example.org", "America/Los_Angeles", False,
                     "https://boost.example.org/digest/unsubscribe/tok")


def test_a_teammates_diary_is_marked_ours_in_the_digest(db_session, config):
    s = seed_week(db_session)
    # Alice writes as " Author-X " on Daily Kos; the diary's byline is "author-x".
    s.made.author = "author-x"
    db_session.flush()
    our_diaries.add_account(db_session, s.alice, site_id=s.dk.id, username=" Author-X ")
    d = build_week(db_session, WEEK, SEND_AT, config)
    made = {r.title: r for r in d.made}
    assert made["Medicare for all: the vote count"].ours == "Alice"
    assert made["SiCKO screening tonight"].ours is None
    out = render(d, _reader())
    assert "ours (Alice)" in out.html
    assert "Medicare for all: the vote count (Daily Kos; ours, by Alice)" in out.text
    # Only the diary Alice wrote: one badge per list it is in (made, per site, most helped).
    assert out.text.count("ours, by Alice") == 3


def test_the_same_name_on_another_site_is_not_ours(db_session, config):
    s = seed_week(db_session)
    s.made.author = "author-x"
    db_session.flush()
    our_diaries.add_account(db_session, s.alice, site_id=s.mydd.id, username="author-x")
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert all(r.ours is None for r in d.made + d.near)


def test_a_step_aging_site_is_replayed_with_its_step_table(db_session, config):
    """13 recs seven minutes old at the grid mark: with a 2 h half-life 12.5, over the
    fallback bar of 10; on the step table 13 x 0.75 = 9.75, a near miss by one rec."""
    outcomes = {}
    for aging in ("exp", "step"):
        site = factories.make_site(db_session, rec_aging=aging, rec_fallback_threshold=10.0,
                                   name=f"Kos {aging}")
        diary = factories.make_diary(db_session, site, title=f"Single payer ({aging})",
                                     published_at=T0)
        factories.make_metric(db_session, diary, at=T0 + timedelta(minutes=10),
                              recommends=0, comments=0)
        factories.make_metric(db_session, diary, at=T0 + timedelta(minutes=233),
                              recommends=13, comments=0)
        outcomes[aging] = diary.title
    d = build_week(db_session, WEEK, SEND_AT, config)
    assert outcomes["exp"] in [r.title for r in d.made]
    near = {r.title: r for r in d.near}
    assert near[outcomes["step"]].missed_by == 1
    assert near[outcomes["step"]].outcome == "missed the rec list by ~1 rec"
