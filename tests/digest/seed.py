"""A seeded digest week (2026-W47) shared by the digest tests.

Week 2026-W47 runs Mon 16 Nov 00:00 to Mon 23 Nov 00:00 in Los Angeles, i.e.
16 Nov 08:00 UTC to 23 Nov 08:00 UTC. Both sites have fewer live diaries than rec slots,
so their entry bar is the fallback threshold of 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.digest.build import (
    Contributor,
    Count,
    Crosspost,
    DiaryResult,
    FeedTrouble,
    HelpedDiary,
    SiteWeek,
    WeekDigest,
    YoungDiary,
)
from app.shifts.coverage import CoverageGap, OpenPlace
from tests import factories
from tests.factories import T0

WEEK = "2026-W47"
WEEK_START = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
WEEK_END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
# Monday 23 Nov 2026 08:00 in Los Angeles: when the W47 digest is due.
SEND_AT = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@dataclass
class Seeded:
    dk: object
    mydd: object
    made: object
    flagged: object
    near: object
    flop: object
    off_topic: object
    older: object
    mydd_diary: object
    alice: object
    bob: object
    carol: object
    admin: object


def seed_week(session) -> Seeded:
    f = factories
    dk = f.make_site(session, slug="dk", name="Daily Kos")
    mydd = f.make_site(session, slug="mydd", name="MyDD")
    made = f.make_diary(session, dk, title="Medicare for all: the vote count", published_at=T0)
    f.make_metric(session, made, at=T0 + minutes(30), recommends=5, comments=4)
    f.make_metric(session, made, at=T0 + minutes(60), recommends=14, comments=9)
    # On the list by the scraped flag, whatever its numbers say.
    flagged = f.make_diary(session, dk, title="SiCKO screening tonight", on_rec_list=True,
                           published_at=T0 + timedelta(days=1))
    f.make_metric(session, flagged, at=T0 + timedelta(days=1, hours=1), recommends=3,
                  comments=2)
    near = f.make_diary(session, dk, title="Single payer in California",
                        published_at=T0 + timedelta(days=2))
    f.make_metric(session, near, at=T0 + timedelta(days=2) + minutes(30), recommends=2,
                  comments=1)
    f.make_metric(session, near, at=T0 + timedelta(days=2) + minutes(60), recommends=9,
                  comments=3)
    flop = f.make_diary(session, dk, title="A quiet diary on HR 676",
                        published_at=T0 + timedelta(days=3))
    f.make_metric(session, flop, at=T0 + timedelta(days=3, hours=1), recommends=1, comments=0)
    off_topic = f.make_diary(session, dk, title="Gardening open thread", topic_score=0.0,
                             topic_terms=[], published_at=T0)
    f.make_metric(session, off_topic, at=T0 + minutes(60), recommends=40, comments=90)
    # Published the week before, but the team helped it this week.
    older = f.make_diary(session, dk, title="Last week's insurer story",
                         published_at=T0 - timedelta(days=3))
    f.make_metric(session, older, at=T0 - timedelta(days=3) + minutes(60), recommends=4,
                  comments=2)
    mydd_diary = f.make_diary(session, mydd, title="Universal coverage, state by state",
                              published_at=T0 + timedelta(hours=5))
    f.make_metric(session, mydd_diary, at=T0 + timedelta(hours=6), recommends=2, comments=6)

    alice = f.make_user(session, email="alice@example.org", display_name="Alice")
    bob = f.make_user(session, email="bob@example.org", display_name="Bob")
    carol = f.make_user(session, email="carol@example.org", display_name="Carol",
                        digest_opt_in=False)
    admin = f.make_user(session, email="admin@example.org", display_name="Ada Admin",
                        role="admin")
    f.make_action(session, alice, made, "recommend", at=T0 + minutes(20))
    f.make_action(session, alice, made, "comment", at=T0 + minutes(25))
    f.make_action(session, alice, near, "recommend", at=T0 + timedelta(days=2, minutes=10))
    f.make_action(session, alice, older, "comment", at=T0)
    f.make_action(session, bob, made, "crosspost", target_site=mydd,
                  url="https://mydd.example/diary/copy-1", at=T0 + minutes(90))
    f.make_action(session, bob, made, "recommend", at=T0 + minutes(40))
    # The week after: must not count.
    f.make_action(session, bob, near, "comment", at=WEEK_END + timedelta(hours=1))

    f.make_feed(session, dk, next_poll_at=SEND_AT)
    f.make_feed(session, dk, url="https://dk.example/failing.xml", error_count=7,
                last_error="HTTP 503", next_poll_at=SEND_AT)
    f.make_feed(session, mydd, url="https://mydd.example/off.xml", enabled=False,
                disabled_reason="moved to a new address", next_poll_at=SEND_AT)
    f.make_feed(session, mydd, url="https://mydd.example/slow.xml", interval_seconds=900,
                error_count=2, next_poll_at=SEND_AT + timedelta(hours=8))
    session.flush()
    return Seeded(dk, mydd, made, flagged, near, flop, off_topic, older, mydd_diary,
                  alice, bob, carol, admin)


def sample_digest(title: str = "Medicare for all: the vote count") -> WeekDigest:
    """A hand-built, busy week for render and layout tests (no database)."""
    t = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
    long_title = ("Why the single-payer bill deserves a floor vote before the recess: "
                  "a county-by-county look at coverage, costs and who is left out")

    def diary(i, title, made=False, missed=None, recs=20, comments=10, site="Daily Kos",
              url=None, actions=None):
        return DiaryResult(diary_id=i, title=title, url=url or f"https://dk.example/d/{i}",
                           site_name=site, author=f"author{i}", published_at=t,
                           recommends=recs, comments=comments, made_list=made,
                           missed_by=missed, team_actions=i % 4 if actions is None else actions)

    top = diary(1, title, made=True, recs=64, comments=120, actions=9)
    long_one = diary(2, long_title, missed=3, recs=31, comments=22, actions=7,
                     url="https://dk.example/story/2026/11/17/" + "x" * 120)
    made2 = diary(3, "SiCKO screening tonight in Oakland", made=True, recs=40, comments=51,
                  site="Calitics")
    others = [diary(10 + i, f"Health care diary number {i}", recs=5 + i, comments=i)
              for i in range(4)]
    return WeekDigest(
        week="2026-W47", monday=date(2026, 11, 16), start=WEEK_START, end=WEEK_END,
        timezone="America/Los_Angeles", generated_at=SEND_AT,
        base_url="https://boost.example.org", diaries_count=8,
        sites=(SiteWeek("Daily Kos", 7, 1, 1, (top, long_one, *others[:3])),
               SiteWeek("Calitics", 1, 1, 0, (made2,))),
        made=(top, made2), near=(long_one,),
        actions_count=37, boosted_count=14,
        actions_by_kind=(Count("recommend", 25), Count("comment", 9), Count("crosspost", 3)),
        actions_by_site=(Count("Daily Kos", 28), Count("Calitics", 6), Count("MyDD", 3)),
        contributors=(Contributor("Alice", 15, 10, 4, 1), Contributor("Bob", 12, 9, 2, 1),
                      Contributor("Carol Anne Whitfield-Montgomery", 10, 6, 3, 1)),
        helped=(HelpedDiary(top, 5), HelpedDiary(long_one, 4), HelpedDiary(others[0], 1)),
        crossposts=(Crosspost(title, "Daily Kos", "MyDD", "https://mydd.example/d/7", "Bob", t),),
        ahead_start=SEND_AT, ahead_end=SEND_AT + timedelta(days=7), shifts_ahead=4,
        open_places=(OpenPlace(1, "Daily Kos", SEND_AT + timedelta(hours=2),
                               SEND_AT + timedelta(hours=4), "recommend", 2),
                     OpenPlace(2, None, SEND_AT + timedelta(days=1),
                               SEND_AT + timedelta(days=1, hours=3), "any", 1)),
        coverage_gaps=(CoverageGap(1, "Daily Kos", SEND_AT + timedelta(hours=26), 0, 3.0),),
        young=(YoungDiary(5, "Fresh: the public option is back", "https://dk.example/d/5",
                          "Daily Kos", SEND_AT - timedelta(hours=3),
                          "needs ~6 recs in the next hour to reach the rec list safely "
                          "(bar 10, now 5, gaining 1/h)"),),
        feed_trouble=(FeedTrouble(9, "MyDD", "https://mydd.example/feed.xml",
                                  "failing: 7 errors in a row (last: HTTP 503)"),),
    )
