"""Learning a site's aging from its rec lists (app.ranking.learn): pure, so each world here
is plain data — diaries whose recs arrive at known times, a site that lists its top k by a
known curve, and our polls reading the counts every 10 minutes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import DAILY_KOS_STEPS, Curve, Observation, aged_score
from app.ranking.learn import (
    CANDIDATES,
    MIN_LISTS,
    CountHistory,
    SeenList,
    _prepare,
    learn_aging,
)

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
POLL_MINUTES = 10


def world(truth: Curve, seed: int, slots: int = 8, diaries: int = 160, lists: int = 48,
          list_every_minutes: int = 30):
    """Diaries published over two days; each gains recs at a pace of its own that fades
    at a pace of its own (some fast starters, some late bloomers). The site lists its top
    ``slots`` by ``truth`` over the exact rec times; we read counts every 10 minutes."""
    rng = random.Random(seed)
    start = NOW - timedelta(hours=48)
    arrivals: dict[int, tuple[datetime, list[datetime]]] = {}
    for diary_id in range(1, diaries + 1):
        published = start + timedelta(minutes=rng.uniform(0, 47 * 60))
        quality = rng.lognormvariate(1.5, 0.9)  # recs an hour at first
        fade = rng.uniform(0.5, 12.0)  # hours over which the pace fades
        times, t = [], 0.0
        while t < 30:
            pace = quality * pow(2.0, -t / fade) + 0.05
            t += rng.expovariate(pace)
            if t < 30:
                times.append(published + timedelta(hours=t))
        arrivals[diary_id] = (published, times)

    def true_score(diary_id: int, at: datetime) -> float:
        _published, times = arrivals[diary_id]
        return sum(truth.weight((at - t).total_seconds() / 3600) for t in times if t <= at)

    histories = {}
    for diary_id, (published, times) in arrivals.items():
        obs, at = [], published + timedelta(minutes=rng.uniform(1, POLL_MINUTES))
        while at <= min(NOW, published + timedelta(hours=30)):
            obs.append(Observation(at, sum(1 for t in times if t <= at), None))
            at += timedelta(minutes=POLL_MINUTES)
        histories[diary_id] = CountHistory(published, tuple(obs))
    seen = []
    for n in range(lists):
        at = NOW - timedelta(minutes=n * list_every_minutes)
        live = [i for i, (p, _t) in arrivals.items() if p <= at]
        ranked = sorted(live, key=lambda i: (-true_score(i, at), i))[:slots]
        seen.append(SeenList(at, tuple(ranked)))
    return seen, histories


@pytest.mark.parametrize("truth", [Curve.exponential(1.0), Curve.exponential(2.0),
                                   Curve.exponential(4.0), Curve.step(DAILY_KOS_STEPS)],
                         ids=lambda c: c.describe())
def test_lists_made_by_a_known_curve_give_that_curve_back(truth):
    lists, histories = world(truth, seed=7)
    learned = learn_aging(lists, histories, slots=8)
    assert learned is not None
    assert learned.curve == truth, [(c.describe(), round(f, 3)) for c, f in learned.fits]
    assert learned.fit > 0.85 and learned.lists == 48
    # The runner-up fits visibly worse: the choice is not a coin toss.
    assert learned.fits[0][1] > learned.fits[-1][1]


def test_step_table_with_twelve_places_is_recovered():
    truth = Curve.step(DAILY_KOS_STEPS)
    lists, histories = world(truth, seed=3, slots=12)
    learned = learn_aging(lists, histories, slots=12)
    assert learned is not None and learned.curve == truth


def test_too_few_lists_give_nothing():
    lists, histories = world(Curve.exponential(2.0), seed=1)
    assert learn_aging(lists[:MIN_LISTS - 1], histories, slots=8) is None
    assert learn_aging(lists[:MIN_LISTS], histories, slots=8) is not None


def test_too_few_diaries_with_counts_give_nothing():
    lists, histories = world(Curve.exponential(2.0), seed=1, diaries=15)
    # 15 diaries, 8 places: fewer than 2 k distinct diaries ever read.
    assert learn_aging(lists, histories, slots=8) is None


def test_lists_of_diaries_we_never_read_are_no_evidence():
    lists, histories = world(Curve.exponential(2.0), seed=1)
    unknown = [SeenList(s.at, tuple(i + 10_000 for i in s.diary_ids)) for s in lists]
    assert learn_aging(unknown, histories, slots=8) is None
    assert learn_aging(lists, {}, slots=8) is None


def test_pure_same_input_same_answer_and_inputs_untouched():
    lists, histories = world(Curve.exponential(3.0), seed=5)
    before = (list(lists), dict(histories))
    first = learn_aging(lists, histories, slots=8)
    again = learn_aging(list(reversed(lists)), dict(reversed(list(histories.items()))),
                        slots=8)
    assert first == again
    assert (list(lists), dict(histories)) == before


def test_curve_round_trips_through_json():
    for curve in CANDIDATES:
        assert Curve.from_json(curve.to_json()) == curve
    assert Curve.from_json(None) is None
    assert Curve.from_json("{not json") is None
    assert Curve.from_json('{"kind": "exp"}') is None


observation = st.builds(
    Observation,
    at=st.floats(0, 48).map(lambda h: NOW - timedelta(hours=h)),
    recommends=st.one_of(st.none(), st.integers(0, 500)),
    comments=st.none(),
)


@settings(max_examples=200, deadline=None)
@given(observations=st.lists(observation, max_size=10), published=st.floats(0.1, 60),
       curve=st.sampled_from(CANDIDATES))
def test_learner_scores_a_diary_as_the_board_does(observations, published, curve):
    """The learner's fast score is the board's aged score (so what it learns is what the
    board will apply)."""
    published_at = NOW - timedelta(hours=published)
    fast = _prepare(CountHistory(published_at, observations)).score(
        NOW.timestamp() / 3600, curve)
    assert fast == pytest.approx(aged_score(observations, NOW, curve, published_at),
                                 rel=1e-9, abs=1e-9)
