"""A small, fixed world for the dashboard tests: three sites, a few diaries with counts
observed at explicit times, and NOW pinned three hours after factories.T0."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import factories
from tests.factories import T0, hours

NOW = T0 + hours(3)


@dataclass
class World:
    dk: object
    mydd: object
    calitics: object
    rising: object  # Daily Kos, 1 h old, 5 recs: needs recs and comments
    star: object  # MyDD, 2 h old, well on the rec list: needs a cross-post
    fresh: object  # Daily Kos, 20 min old, nothing yet
    old: object  # Calitics, 30 h old: past every window
    offtopic: object  # Daily Kos, not about health care
    blogger: object


@pytest.fixture
def world(db_session) -> World:
    s = db_session
    dk = factories.make_site(s, slug="dailykos", name="Daily Kos", base_url="https://www.dailykos.com")
    mydd = factories.make_site(s, slug="mydd", name="MyDD", base_url="https://www.mydd.com")
    cal = factories.make_site(s, slug="calitics", name="Calitics", base_url="https://www.calitics.com")
    rising = factories.make_diary(s, dk, title="Single payer now", author="kosak",
                                  published_at=NOW - hours(1))
    for at, recs, com in ((NOW - hours(1), 0, 0), (NOW - hours(0.5), 3, 1), (NOW, 5, 2)):
        factories.make_metric(s, rising, at=at, recommends=recs, comments=com)
    star = factories.make_diary(s, mydd, title="SiCKO screening tonight", author="jerome",
                                published_at=NOW - hours(2))
    for at, recs, com in ((NOW - hours(1.5), 8, 4), (NOW - hours(1), 14, 8), (NOW, 22, 12)):
        factories.make_metric(s, star, at=at, recommends=recs, comments=com)
    fresh = factories.make_diary(s, dk, title="Medicare for all, a primer", author="newbie",
                                 published_at=NOW - hours(1 / 3))
    factories.make_metric(s, fresh, at=NOW - hours(0.1), recommends=0, comments=0)
    old = factories.make_diary(s, cal, title="Old news on health care",
                               published_at=NOW - hours(30))
    factories.make_metric(s, old, at=NOW - hours(29), recommends=2, comments=1)
    offtopic = factories.make_diary(s, dk, title="Baseball thread", topic_score=0.0, topic_terms=[],
                                    published_at=NOW - hours(1))
    blogger = factories.make_user(s, display_name="Bea Blogger")
    return World(dk, mydd, cal, rising, star, fresh, old, offtopic, blogger)
