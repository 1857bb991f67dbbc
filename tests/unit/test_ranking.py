from datetime import UTC, datetime, timedelta

import pytest

from app.ranking import (
    DiaryInput,
    Observation,
    SiteSettings,
    aged_score,
    assess,
    entry_bar,
    rank,
)

NOW = datetime(2009, 7, 15, 18, 0, tzinfo=UTC)

SITES = {
    "dailykos": SiteSettings("dailykos", "Daily Kos", rec_slots=3),
    "mydd": SiteSettings("mydd", "MyDD"),
    "calitics": SiteSettings("calitics", "Calitics"),
}
DKOS = SITES["dailykos"]
MYDD = SITES["mydd"]


def ago(hours):
    return NOW - timedelta(hours=hours)


def polls(*points):
    """(hours ago, recommends, comments) triples as observations."""
    return tuple(Observation(ago(h), recs, comments) for h, recs, comments in points)


def make_diary(diary_id=1, site="dailykos", age=2.0, topic=5.0, points=(), **overrides):
    return DiaryInput(diary_id, site, ago(age), topic, polls(*points), **overrides)


def kinds(ranked):
    return [n.kind for n in ranked.needs]


def need(ranked, kind):
    return next(n for n in ranked.needs if n.kind == kind)


# A Tuesday evening on three health-care blogs. On Daily Kos (3 rec slots) the bar is the
# third best score, 40 (diary 102); MyDD and Calitics have too few diaries, so their bar is
# the fallback 10. Every diary has a poll at publication with no recs, so scores are exact.
WORLD = [
    make_diary(101, "dailykos", 2, 0.0, [(2, 0, 0), (0, 50, 10)]),  # off-topic, score 50
    make_diary(102, "dailykos", 4, 0.0, [(4, 0, 0), (2, 60, 20), (0, 70, 30)]),  # score 40
    make_diary(103, "dailykos", 2, 7.0, [(2, 0, 0), (1, 41, 2), (0, 44, 3)]),  # the bubble
    make_diary(104, "dailykos", 3, 4.0, [(3, 0, 0), (2, 40, 30), (0, 66, 50)]),  # on the list
    make_diary(105, "dailykos", 0.5, 5.0, [(0.5, 0, 0), (0, 2, 1)]),  # just published
    make_diary(106, "dailykos", 30, 9.0, [(26, 80, 40), (0, 85, 45)]),  # too old for anything
    make_diary(201, "mydd", 1, 6.0, [(1, 0, 0), (0, 9, 0)]),
    make_diary(202, "mydd", 1, 6.0, [(1, 0, 0), (0, 9, 0)], team_actions=3),
    make_diary(
        301,
        "calitics",
        5,
        3.0,
        [(5, 0, 0), (1, 12, 6), (0, 16, 8)],
        crossposted_to=frozenset({"dailykos", "mydd"}),
    ),
]


def test_seeded_world_order_and_reasons():
    ranked = rank(WORLD, SITES, NOW)

    assert [r.diary_id for r in ranked] == [201, 103, 202, 104, 105, 301]
    by_id = {r.diary_id: r for r in ranked}

    bubble = by_id[103]
    assert bubble.bar == pytest.approx(40.0)
    assert bubble.rec_score == pytest.approx(41 * 0.5**0.5 + 3)
    assert bubble.pace_per_hour == pytest.approx(3.0)
    assert kinds(bubble) == ["recommend", "comment", "crosspost"]
    assert need(bubble, "recommend").reason == (
        "needs ~12 recs in the next hour to reach the rec list safely (bar 40, now 32, gaining 3/h)"
    )
    assert need(bubble, "comment").reason == (
        "needs 4 more comments in the next 1 h to stay visible (has 3)"
    )
    assert need(bubble, "crosspost").reason == (
        "doing well on Daily Kos (near the rec list); cross-post to MyDD, Calitics within 46 h"
    )
    # The worked example in docs/ranking.md.
    assert bubble.priority == pytest.approx(2.571, abs=1e-3)

    assert kinds(by_id[104]) == ["crosspost"]
    assert need(by_id[104], "crosspost").reason == (
        "doing well on Daily Kos (on the rec list); cross-post to MyDD, Calitics within 45 h"
    )
    assert need(by_id[105], "comment").reason == (
        "needs 4 more comments in the next 2 h to stay visible (has 1)"
    )
    assert need(by_id[201], "recommend").reason == (
        "needs ~2 recs in the next hour to reach the rec list safely (bar 10, now 9, gaining 9/h)"
    )
    assert need(by_id[201], "crosspost").targets == ("dailykos", "calitics")
    # Calitics is comfortably on its list and already cross-posted everywhere.
    assert kinds(by_id[301]) == ["comment"]


def test_rank_is_deterministic_on_ties():
    twins = [make_diary(i, points=[(2, 0, 0), (0, 5, 0)]) for i in (7, 3, 5)]
    assert [r.diary_id for r in rank(twins, SITES, NOW)] == [3, 5, 7]


def test_rec_two_hours_old_counts_half():
    observations = polls((3, 0, 0), (2, 1, 0))
    assert aged_score(observations, NOW, 2.0) == pytest.approx(0.5)


def test_aged_score_decays_each_batch_from_its_poll():
    observations = polls((4, 10, 0), (2, 30, 0), (0, 34, 0))
    assert aged_score(observations, NOW, 2.0) == pytest.approx(10 * 0.25 + 20 * 0.5 + 4)


def test_recs_at_first_poll_are_spread_since_publication():
    observations = polls((0, 10, 0))
    dated_at_poll = aged_score(observations, NOW, 2.0)
    spread = aged_score(observations, NOW, 2.0, published_at=ago(4))
    assert dated_at_poll == pytest.approx(10.0)
    # Mean of 0.5 ** (h / 2) over h in [0, 4].
    assert spread == pytest.approx(10 * 0.75 * 2 / (4 * 0.6931471805599453))


def test_count_drops_are_not_counted_twice():
    observations = polls((3, 10, 0), (2, 4, 0), (0, 10, 0))
    assert aged_score(observations, NOW, 2.0) == pytest.approx(10 * 0.5**1.5)


def test_robust_to_naive_future_and_empty_input():
    naive = [Observation(NOW.replace(tzinfo=None) - timedelta(hours=2), 4, 0)]
    assert aged_score(naive, NOW, 2.0) == pytest.approx(2.0)
    future = polls((-3, 4, 0))
    assert aged_score(future, NOW, 2.0) == pytest.approx(4.0)
    assert aged_score([], NOW, 2.0) == 0.0
    assert aged_score(polls((1, -5, -1)), NOW, 0.0) == 0.0


def test_bar_is_kth_best_score():
    assert entry_bar([5, 40, 12, 33, 7], slots=3) == 12


def test_bar_from_scraped_list_wins():
    assert entry_bar([5, 40, 12, 33, 7], slots=3, scraped_list_min=21.5) == 21.5


def test_bar_falls_back_when_few_diaries():
    assert entry_bar([40, 12], slots=3, fallback=15.0) == 15.0
    assert entry_bar([], slots=8) == 10.0


def test_scraped_bar_feeds_rank():
    ranked = rank(WORLD, SITES, NOW, scraped_bars={"dailykos": 30.0, "mydd": None})
    by_id = {r.diary_id: r for r in ranked}
    assert by_id[103].bar == 30.0
    assert by_id[201].bar == 10.0
    # 32 is on a list whose bar is 30, but not by the 10% margin.
    assert need(by_id[103], "recommend").reason.startswith(
        "needs ~1 rec in the next hour to stay safely on the rec list"
    )


def test_comfortably_on_list_needs_no_recs():
    diary = make_diary(points=[(2, 0, 0), (0, 45, 20)])
    assert "recommend" not in kinds(assess(diary, DKOS, 40.0, NOW))


def test_rec_need_fades_with_age_and_stops_past_window():
    def rec_urgency(age):
        diary = make_diary(age=age, points=[(age, 0, 0), (0, 30, 20)])
        found = [n for n in assess(diary, DKOS, 40.0, NOW).needs if n.kind == "recommend"]
        return found[0].urgency if found else 0.0

    assert rec_urgency(2) > rec_urgency(12) > rec_urgency(23) > 0
    assert rec_urgency(25) == 0.0


def test_comment_need_for_young_diary():
    diary = make_diary(age=1.5, points=[(1.5, 0, 0), (0, 3, 2)])
    comment = need(assess(diary, DKOS, 40.0, NOW), "comment")
    assert comment.amount == 4
    assert comment.reason == "needs 4 more comments in the next 1 h to stay visible (has 2)"


def test_no_comment_need_when_on_target_or_old():
    chatty = make_diary(age=1.0, points=[(0, 3, 5)])
    old = make_diary(age=7.0, points=[(0, 3, 0)])
    assert "comment" not in kinds(assess(chatty, DKOS, 40.0, NOW))
    assert "comment" not in kinds(assess(old, DKOS, 40.0, NOW))


def test_crosspost_names_targets_and_skips_existing_copies():
    diary = make_diary(site="mydd", points=[(2, 0, 0), (0, 12, 9)])
    sites = SITES.values()
    assert need(assess(diary, MYDD, 10.0, NOW, sites), "crosspost").targets == (
        "dailykos",
        "calitics",
    )

    copied = make_diary(
        site="mydd", points=[(2, 0, 0), (0, 12, 9)], crossposted_to=frozenset({"dailykos"})
    )
    crosspost = need(assess(copied, MYDD, 10.0, NOW, sites), "crosspost")
    assert crosspost.targets == ("calitics",)
    assert crosspost.reason == (
        "doing well on MyDD (on the rec list); cross-post to Calitics within 46 h"
    )


def test_crosspost_skips_disabled_sites():
    sites = [*SITES.values(), SiteSettings("bluenc", "BlueNC", enabled=False)]
    diary = make_diary(site="mydd", points=[(2, 0, 0), (0, 12, 9)])
    assert "bluenc" not in need(assess(diary, MYDD, 10.0, NOW, sites), "crosspost").targets


def test_no_crosspost_when_far_from_list():
    diary = make_diary(site="mydd", points=[(2, 0, 0), (0, 7, 9)])
    assert "crosspost" not in kinds(assess(diary, MYDD, 10.0, NOW, SITES.values()))


def test_non_relevant_diary_gets_no_need():
    diary = make_diary(topic=0.0, age=0.5, points=[(0, 1, 0)])
    assert assess(diary, DKOS, 40.0, NOW, SITES.values()).needs == ()
    assert rank([diary], SITES, NOW) == []


def test_assess_reports_numbers_even_without_needs():
    diary = make_diary(topic=0.0, points=[(2, 0, 0), (0, 10, 0)])
    result = assess(diary, DKOS, None, NOW)
    assert (result.priority, result.rec_score, result.bar) == (0.0, 10.0, 10.0)
    assert result.pace_per_hour == pytest.approx(5.0)


def test_team_actions_lower_priority():
    fresh = make_diary(1, points=[(1, 0, 0), (0, 9, 0)])
    worked = make_diary(2, points=[(1, 0, 0), (0, 9, 0)], team_actions=4)
    ranked = rank([worked, fresh], SITES, NOW)
    assert [r.diary_id for r in ranked] == [1, 2]
    assert ranked[1].priority == pytest.approx(ranked[0].priority / (1 + 0.3 * 4))


def test_more_relevant_diary_ranks_higher():
    low = make_diary(1, topic=1.0, points=[(1, 0, 0), (0, 9, 0)])
    high = make_diary(2, topic=8.0, points=[(1, 0, 0), (0, 9, 0)])
    assert [r.diary_id for r in rank([low, high], SITES, NOW)] == [2, 1]


def test_disabled_or_unknown_site_is_skipped():
    sites = {**SITES, "mydd": SiteSettings("mydd", "MyDD", enabled=False)}
    diaries = [make_diary(1, site="mydd"), make_diary(2, site="nowhere")]
    assert rank(diaries, sites, NOW) == []
