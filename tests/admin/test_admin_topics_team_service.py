"""Topic rule CRUD and the test box; the team's week."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.errors import Conflict, NotFound, ValidationError
from app.sources import topics
from app.team import service as team
from tests.factories import T0, make_action

LA = ZoneInfo("America/Los_Angeles")


def test_add_edit_disable_rule(db_session):
    rule = topics.add_rule(db_session, phrase="  single   payer ", weight="3", now=T0)
    assert (rule.phrase, rule.weight, rule.field, rule.enabled) == ("single payer", 3.0,
                                                                     "any", True)
    topics.update_rule(db_session, rule.id, weight="-2.5", field="title")
    assert (rule.weight, rule.field) == (-2.5, "title")
    topics.set_rule_enabled(db_session, rule.id, False)
    assert not rule.enabled
    assert [r.id for r in topics.list_rules(db_session)] == [rule.id]


@pytest.mark.parametrize("phrase, weight, field, error, message", [
    ("   ", "1", "any", ValidationError, "Phrase must not be empty"),
    ("sicko", "lots", "any", ValidationError, "Weight must be a number"),
    ("sicko", "101", "any", ValidationError, "between -100 and 100"),
    ("sicko", "-100.5", "any", ValidationError, "between -100 and 100"),
    ("sicko", "inf", "any", ValidationError, "between -100 and 100"),
    ("sicko", "1", "author", ValidationError, "Field must be one of"),
    ("SiCKO", "2", "any", Conflict, "already exists"),
])
def test_rule_validation(db_session, phrase, weight, field, error, message):
    topics.add_rule(db_session, phrase="sicko", weight=1, now=T0)
    with pytest.raises(error, match=message):
        topics.add_rule(db_session, phrase=phrase, weight=weight, field=field, now=T0)


def test_same_phrase_in_another_field_is_allowed_but_editing_into_a_duplicate_is_not(
        db_session):
    topics.add_rule(db_session, phrase="medicare", weight=1, now=T0)
    title_rule = topics.add_rule(db_session, phrase="medicare", weight=2, field="title", now=T0)
    with pytest.raises(Conflict):
        topics.update_rule(db_session, title_rule.id, field="any")
    with pytest.raises(NotFound):
        topics.update_rule(db_session, 999999, weight=1)


def test_test_box_scores_with_enabled_rules_only(db_session):
    topics.add_rule(db_session, phrase="single payer", weight=3, now=T0)
    off = topics.add_rule(db_session, phrase="SiCKO", weight=3, now=T0)
    topics.set_rule_enabled(db_session, off.id, False)
    match = topics.try_score(db_session, "Why single payer beats SiCKO-style care", [], "")
    assert match.terms == ("single payer",) and match.score > 0
    nothing = topics.try_score(db_session, "Baseball tonight", ["sports"], "")
    assert nothing.score == 0 and nothing.terms == ()
    with pytest.raises(ValidationError, match="Paste a title"):
        topics.try_score(db_session, "  ")


# Team -----------------------------------------------------------------------

def test_week_bounds_are_local_monday_to_monday_across_dst():
    # Sunday 2 Nov 2025 is the end of DST in Los Angeles: that week is 169 hours.
    start, end = team.week_bounds(datetime(2025, 11, 5, 12, tzinfo=UTC), LA)
    assert start == datetime(2025, 11, 3, 8, tzinfo=UTC)  # Mon 00:00 PST
    assert end - start == timedelta(hours=168)
    start, end = team.week_bounds(T0, LA, week_of=date(2025, 10, 29))
    assert start == datetime(2025, 10, 27, 7, tzinfo=UTC)  # Mon 00:00 PDT
    assert end - start == timedelta(hours=169)


def test_team_week_counts_by_kind_and_local_day_and_lists_the_quiet(db_session, make_user,
                                                                    make_diary):
    ann = make_user(display_name="Ann")
    bob = make_user(display_name="Bob")
    quiet = make_user(display_name="Quiet Quinn")
    make_user(display_name="Gone", active=False)
    diary, other = make_diary(), make_diary()
    start, end = team.week_bounds(T0, LA)  # T0: Tue 17 Nov 2026, 08:00 in LA
    # Mon 16 Nov 23:30 LA is Tue 07:30 UTC: it must count on Monday, the local day.
    monday_late = datetime(2026, 11, 17, 7, 30, tzinfo=UTC)
    make_action(db_session, ann, diary, "recommend", at=monday_late)
    make_action(db_session, ann, diary, "comment", at=T0)
    make_action(db_session, ann, other, "recommend", at=T0)
    make_action(db_session, bob, diary, "crosspost", target_site=other.site, at=T0)
    # Outside the week: the Sunday before (LA) does not count.
    make_action(db_session, quiet, other, "comment", at=start - timedelta(minutes=1))
    week = team.team_week(db_session, start, end, LA)
    assert [m.name for m in week.members] == ["Ann", "Bob"]
    ann_row = week.members[0]
    assert ann_row.total == 3
    assert ann_row.by_kind == {"recommend": 2, "comment": 1, "crosspost": 0}
    assert ann_row.by_day == (1, 2, 0, 0, 0, 0, 0)
    assert week.day_totals == (1, 3, 0, 0, 0, 0, 0)
    assert week.kind_totals == {"recommend": 2, "comment": 1, "crosspost": 1}
    names = [u.display_name for u in week.inactive]
    assert "Quiet Quinn" in names and "Gone" not in names and "Ann" not in names
    assert week.days[0] == date(2026, 11, 16) and week.top[0].name == "Ann"


def test_heat_levels():
    assert [team.heat_level(c, 8) for c in (0, 1, 3, 6, 8)] == [0, 1, 2, 3, 4]
    assert team.heat_level(3, 0) == 0
