"""Unknown counts are unknown to the ranking too: no need is invented from them."""

from datetime import UTC, datetime, timedelta

from app.ranking import DiaryInput, Observation, SiteSettings, aged_score, assess

NOW = datetime(2026, 2, 25, 22, 0, tzinfo=UTC)
SITE = SiteSettings("mydd", "MyDD")


def _diary(*observations):
    return DiaryInput(1, "mydd", NOW - timedelta(hours=1), topic_score=2.0,
                      observations=observations)


def test_no_recommend_need_from_counts_never_read():
    # A stock Scoop page: comments shown, recommends not. A comment need, no rec need.
    ranked = assess(_diary(Observation(NOW - timedelta(minutes=10), None, 0)), SITE, 10.0, NOW)
    assert [n.kind for n in ranked.needs] == ["comment"]
    assert "has 0" in ranked.needs[0].reason


def test_no_need_at_all_when_nothing_was_read():
    ranked = assess(_diary(Observation(NOW - timedelta(minutes=10), None, None)), SITE, 10.0,
                    NOW)
    assert ranked.needs == ()


def test_an_unknown_read_between_known_ones_adds_nothing():
    known = [Observation(NOW - timedelta(minutes=40), 4, 1),
             Observation(NOW - timedelta(minutes=10), 9, 2)]
    with_gap = [known[0], Observation(NOW - timedelta(minutes=25), None, None), known[1]]
    assert aged_score(with_gap, NOW, 2.0) == aged_score(known, NOW, 2.0) > 0
