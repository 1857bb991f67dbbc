import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.ranking import (
    DiaryInput,
    Observation,
    SiteSettings,
    assess,
    rank,
)
from app.ranking.tuning import COMMENT_WINDOW_HOURS, REC_MARGIN

NOW = datetime(2009, 7, 15, 18, 0, tzinfo=UTC)
SITES = {
    "dailykos": SiteSettings("dailykos", "Daily Kos"),
    "mydd": SiteSettings("mydd", "MyDD"),
    "calitics": SiteSettings("calitics", "Calitics"),
}
HOME = SITES["dailykos"]
modest = settings(max_examples=200, deadline=None)


def ago(hours):
    return NOW - timedelta(hours=hours)


# Realistic polls: the last two days, a little clock skew, counts a busy diary could reach.
observation = st.builds(
    Observation,
    at=st.floats(-0.5, 48).map(ago),
    recommends=st.integers(0, 500),
    comments=st.integers(0, 500),
)
observations = st.lists(observation, max_size=12)


def diary(observations, age=2.0, topic=5.0, **overrides):
    return DiaryInput(1, "dailykos", ago(age), topic, tuple(observations), **overrides)


def amount(result, kind):
    return sum(n.amount for n in result.needs if n.kind == kind)


def boost_latest(observations, extra):
    latest = max(range(len(observations)), key=lambda i: min(observations[i].at, NOW))
    boosted = list(observations)
    boosted[latest] = replace(boosted[latest], recommends=boosted[latest].recommends + extra)
    return boosted


@modest
@given(
    observations.filter(bool),
    st.integers(1, 1000),
    st.floats(0, 200),
    st.floats(0, 30),
    st.booleans(),
)
def test_more_recs_never_raise_rec_need(obs, extra, bar, age, everywhere):
    if everywhere:
        boosted = [replace(o, recommends=o.recommends + extra) for o in obs]
    else:
        boosted = boost_latest(obs, extra)
    before = amount(assess(diary(obs, age), HOME, bar, NOW), "recommend")
    after = amount(assess(diary(boosted, age), HOME, bar, NOW), "recommend")
    assert after <= before + 1e-9 * max(1.0, before)


@modest
@given(observations, st.floats(0, 0.999), st.floats(0, 30))
def test_comfortably_on_list_has_no_rec_need(obs, share, age):
    result = assess(diary(obs, age), HOME, None, NOW)
    assume(result.rec_score > 0)
    bar = result.rec_score / (1 + REC_MARGIN) * share
    assert amount(assess(diary(obs, age), HOME, bar, NOW), "recommend") == 0


@modest
@given(
    observations,
    st.floats(0, 120),
    st.floats(0, 48),
    st.floats(0, 96),
    st.floats(0, 100),
    st.integers(0, 20),
)
def test_no_need_past_its_window(obs, age, rec_window, crosspost_window, bar, comment_target):
    home = SiteSettings(
        "dailykos",
        "Daily Kos",
        rec_window_hours=rec_window,
        crosspost_window_hours=crosspost_window,
        comment_target=comment_target,
    )
    result = assess(diary(obs, age), home, bar, NOW, SITES.values())
    found = {n.kind for n in result.needs}
    # Keep clear of the boundary, which the hours -> timedelta round trip can blur.
    if age > rec_window + 1e-3:
        assert "recommend" not in found
    if age > COMMENT_WINDOW_HOURS + 1e-3:
        assert "comment" not in found
    if age > crosspost_window + 1e-3:
        assert "crosspost" not in found
    if age > max(rec_window, crosspost_window, COMMENT_WINDOW_HOURS) + 1e-3:
        assert result.needs == ()
        assert result.priority == 0


@modest
@given(
    observations,
    st.integers(1, 500),
    st.floats(0, 47),
    st.floats(0.76, 5),
    st.frozensets(st.sampled_from(sorted(SITES))),
    st.data(),
)
def test_logged_crosspost_removes_that_site(obs, recs, age, ratio, already, data):
    # A diary doing well at home (score / bar >= 0.75) while fresh enough to cross-post.
    obs = [*obs, Observation(NOW, recs, 0)]
    bar = assess(diary(obs, age), HOME, None, NOW).rec_score / ratio
    before = assess(diary(obs, age, crossposted_to=already), HOME, bar, NOW, SITES.values())
    targets = [t for n in before.needs if n.kind == "crosspost" for t in n.targets]
    assert set(targets) == set(SITES) - already - {HOME.slug}
    assume(targets)
    logged = data.draw(st.sampled_from(targets))
    after = assess(
        diary(obs, age, crossposted_to=already | {logged}), HOME, bar, NOW, SITES.values()
    )
    remaining = [t for n in after.needs if n.kind == "crosspost" for t in n.targets]
    assert remaining == [t for t in targets if t != logged]


# Anything at all: naive and offset datetimes from year 1 to 9999, huge and negative counts,
# NaN and infinite settings. The ranking must neither crash nor return a non-finite number.
any_tz = (
    st.none()
    | st.just(UTC)
    | st.builds(timezone, st.timedeltas(-timedelta(hours=23), timedelta(hours=23)))
)
any_datetime = st.datetimes(timezones=any_tz)
any_float = st.floats(allow_nan=True, allow_infinity=True)
any_site = st.builds(
    SiteSettings,
    slug=st.sampled_from(sorted(SITES)),
    name=st.text(max_size=5),
    rec_slots=st.integers(),
    half_life_hours=any_float,
    fallback_threshold=any_float,
    comment_target=st.integers(),
    crosspost_window_hours=any_float,
    rec_window_hours=any_float,
    enabled=st.booleans(),
)
any_diary = st.builds(
    DiaryInput,
    diary_id=st.integers(0, 50),
    site_slug=st.sampled_from([*SITES, "elsewhere"]),
    published_at=any_datetime,
    topic_score=any_float,
    observations=st.lists(
        st.builds(Observation, any_datetime, st.integers(), st.integers()), max_size=6
    ),
    team_actions=st.integers(),
    crossposted_to=st.frozensets(st.sampled_from(sorted(SITES))),
)


def assert_finite(result):
    numbers = [result.priority, result.rec_score, result.bar, result.pace_per_hour]
    numbers += [x for n in result.needs for x in (n.amount, n.urgency)]
    assert all(math.isfinite(x) for x in numbers), result


@modest
@given(
    st.lists(any_diary, max_size=8),
    st.lists(any_site, max_size=3),
    any_datetime,
    st.dictionaries(st.sampled_from(sorted(SITES)), st.none() | any_float),
    st.none() | any_float,
)
def test_scores_and_priorities_always_finite(diaries, site_list, now, scraped, bar):
    sites = {s.slug: s for s in site_list}
    for result in rank(diaries, sites, now, scraped):
        assert_finite(result)
        assert result.needs
    for d in diaries:
        for site in site_list:
            assert_finite(assess(d, site, bar, now, site_list))
