"""The fast score replay agrees with the ranking model; made/near-miss decisions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.digest.outcomes import ScoreCurve, SiteRace, make_series
from app.ranking import Curve, Observation, SiteSettings, aged_score

T = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(6))
def test_score_curve_matches_aged_score(seed):
    rnd = random.Random(seed)
    half_life = rnd.choice([0.5, 2.0, 6.0])
    published = T - timedelta(minutes=rnd.randrange(0, 120))
    obs, recs = [], rnd.randrange(0, 5)
    for k in range(rnd.randrange(1, 30)):
        # Counts mostly grow; sometimes a scrape reads low (ignored by the model).
        recs = max(0, recs + rnd.randrange(-2, 6))
        obs.append(Observation(T + timedelta(minutes=7 * k + rnd.randrange(0, 5)), recs, 0))
    curve = ScoreCurve(published, obs, half_life)
    for _ in range(25):
        moment = T + timedelta(minutes=rnd.randrange(-30, 400))
        upto = [o for o in obs if o.at <= moment]
        expected = aged_score(upto, moment, half_life, published) if upto else 0.0
        assert curve.at(moment) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_a_tiny_half_life_falls_back_to_the_model():
    obs = [Observation(T + timedelta(hours=h), 3 * h, 0) for h in range(1, 60)]
    curve = ScoreCurve(T, obs, 0.001)
    moment = T + timedelta(hours=59)
    assert curve.at(moment) == pytest.approx(aged_score(obs, moment, 0.001, T))


def test_made_near_and_far_against_the_fallback_bar():
    site = SiteSettings("dk", "Daily Kos", rec_slots=8, fallback_threshold=10.0)
    strong = make_series(1, T, [Observation(T + timedelta(minutes=30), 15, 0)])
    close = make_series(2, T, [Observation(T + timedelta(minutes=30), 9, 0)])
    weak = make_series(3, T, [Observation(T + timedelta(minutes=30), 2, 0)])
    flagged = make_series(4, T, [], on_rec_list=True)
    race = SiteRace(site, [strong, close, weak, flagged])
    assert race.outcome(strong).made_list is True
    near = race.outcome(close)
    assert (near.made_list, near.missed_by) == (False, 2)
    far = race.outcome(weak)
    assert (far.made_list, far.missed_by, far.bar_at_peak) == (False, None, 10.0)
    assert race.outcome(flagged).made_list is True


def test_the_bar_is_the_kth_best_live_score():
    site = SiteSettings("dk", "Daily Kos", rec_slots=2, fallback_threshold=10.0)
    at = T + timedelta(minutes=30)
    diaries = [make_series(i, T, [Observation(at, recs, 0)])
               for i, recs in enumerate([40, 30, 25, 5])]
    race = SiteRace(site, diaries)
    # Only two slots: 25 recs is a near miss against the second best (30), 5 is far off.
    assert [race.outcome(d).made_list for d in diaries] == [True, True, False, False]
    assert race.outcome(diaries[2]).missed_by is not None
    assert race.outcome(diaries[3]).missed_by is None


# Step aging (the older Daily Kos table): the digest scores with the site's own curve. -----

def _random_polls(rnd: random.Random) -> tuple[datetime, list[Observation]]:
    published = T - timedelta(minutes=rnd.randrange(0, 120))
    obs, recs = [], rnd.randrange(0, 5)
    for k in range(rnd.randrange(1, 40)):
        recs = max(0, recs + rnd.randrange(-2, 6))
        # Now and then a poll could not read the count (unknown, skipped by the model).
        read = None if rnd.random() < 0.1 else recs
        obs.append(Observation(T + timedelta(minutes=5 * k + rnd.randrange(0, 5)), read, 0))
    return published, obs


@pytest.mark.parametrize("seed", range(8))
def test_score_curve_matches_aged_score_on_a_step_curve(seed):
    rnd = random.Random(seed)
    published, obs = _random_polls(rnd)
    steps = Curve.step()
    curve = ScoreCurve(published, obs, steps)
    # Whole minutes, so many ages land exactly on a step's edge (5 min, 1 h, 3 h, 8 h, 24 h).
    for _ in range(40):
        moment = T + timedelta(minutes=rnd.randrange(-30, 26 * 60))
        upto = [o for o in obs if o.at <= moment]
        expected = aged_score(upto, moment, steps, published) if upto else 0.0
        assert curve.at(moment) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_score_curve_with_unknown_first_reads_matches_aged_score(seed):
    rnd = random.Random(100 + seed)
    published, obs = _random_polls(rnd)
    obs = [Observation(T - timedelta(minutes=3), None, 0), *obs]
    for aging in (Curve.step(), Curve.exponential(2.0)):
        curve = ScoreCurve(published, obs, aging)
        for _ in range(20):
            moment = T + timedelta(minutes=rnd.randrange(0, 600))
            upto = [o for o in obs if o.at <= moment]
            assert curve.at(moment) == pytest.approx(aged_score(upto, moment, aging, published),
                                                     rel=1e-9, abs=1e-9)


def test_a_step_site_outcome_is_app_rankings_aged_score():
    """13 recs seven minutes old at the grid mark: 13 x 0.5^(7/120) = 12.5 with a 2 h
    half-life, over the fallback bar of 10; on the step table they weigh 0.75 each, 9.75:
    a near miss."""
    polls = [Observation(T + timedelta(minutes=10), 0, 0),
             Observation(T + timedelta(minutes=233), 13, 0)]
    moment = T + timedelta(hours=4)  # the poll's 10-minute grid mark
    step = SiteSettings("dk", "Daily Kos", rec_slots=8, fallback_threshold=10.0,
                        curve=Curve.step())
    exp = SiteSettings("dk", "Daily Kos", rec_slots=8, fallback_threshold=10.0)
    series = make_series(1, T, polls)
    on_steps = SiteRace(step, [series]).outcome(series)
    assert on_steps.peak_score == pytest.approx(aged_score(polls, moment, Curve.step(), T))
    assert on_steps.peak_score == pytest.approx(9.75)
    assert (on_steps.made_list, on_steps.missed_by) == (False, 1)
    assert SiteRace(exp, [series]).outcome(series).made_list is True
