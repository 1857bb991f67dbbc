"""Learning a site's aging from its rec lists (app.ranking.learn): pure, so each world here
is plain data — diaries whose recs arrive at known times, a site that lists its top k by a
known curve, and our polls reading the counts every 10 minutes."""

from __future__ import annotations

from datetime import timedelta

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
from tests.rec_world import NOW, world


@pytest.mark.parametrize("truth", [Curve.exponential(1.0), Curve.exponential(2.0),
                                   Curve.exponential(4.0), Curve.step(DAILY_KOS_STEPS)],
                         ids=lambda c: c.describe())
def test_lists_made_by_a_known_curve_give_that_curve_back(truth):
    lists, histories, _ = world(truth, seed=7)
    learned = learn_aging(lists, histories, slots=8)
    assert learned is not None
    assert learned.curve == truth, [(c.describe(), round(f, 3)) for c, f in learned.fits]
    assert learned.fit > 0.85 and learned.lists == 48
    # The runner-up fits visibly worse: the choice is not a coin toss.
    assert learned.fits[0][1] > learned.fits[-1][1]


def test_step_table_with_twelve_places_is_recovered():
    truth = Curve.step(DAILY_KOS_STEPS)
    lists, histories, _ = world(truth, seed=3, slots=12)
    learned = learn_aging(lists, histories, slots=12)
    assert learned is not None and learned.curve == truth


def test_too_few_lists_give_nothing():
    lists, histories, _ = world(Curve.exponential(2.0), seed=1)
    assert learn_aging(lists[:MIN_LISTS - 1], histories, slots=8) is None
    assert learn_aging(lists[:MIN_LISTS], histories, slots=8) is not None


def test_too_few_diaries_with_counts_give_nothing():
    lists, histories, _ = world(Curve.exponential(2.0), seed=1, diaries=15)
    # 15 diaries, 8 places: fewer than 2 k distinct diaries ever read.
    assert learn_aging(lists, histories, slots=8) is None


def test_lists_of_diaries_we_never_read_are_no_evidence():
    lists, histories, _ = world(Curve.exponential(2.0), seed=1)
    unknown = [SeenList(s.at, tuple(i + 10_000 for i in s.diary_ids)) for s in lists]
    assert learn_aging(unknown, histories, slots=8) is None
    assert learn_aging(lists, {}, slots=8) is None


def test_pure_same_input_same_answer_and_inputs_untouched():
    lists, histories, _ = world(Curve.exponential(3.0), seed=5)
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
