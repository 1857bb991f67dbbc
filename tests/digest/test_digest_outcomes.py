"""The fast score replay agrees with the ranking model; made/near-miss decisions."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.digest.outcomes import ScoreCurve, SiteRace, make_series
from app.ranking import Observation, SiteSettings, aged_score

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
