"""The time-zone picker: US zones first, no obsolete aliases, each shown with its abbreviation."""

from datetime import UTC, datetime

from app.zones import zone_choices

NOW = datetime(2026, 11, 17, 16, tzinfo=UTC)


def test_us_zones_come_first_and_aliases_are_gone():
    [(common, first), (other, rest)] = zone_choices("America/Chicago", NOW)
    assert common == "Common in the US"
    assert [zone for zone, _ in first][:5] == ["America/New_York", "America/Chicago",
                                              "America/Denver", "America/Phoenix",
                                              "America/Los_Angeles"]
    assert ("America/Los_Angeles", "US Pacific — America/Los Angeles (PST)") in first
    zones = [zone for zone, _ in rest]
    for alias in ("US/Pacific", "Asia/Calcutta", "Europe/Kiev", "America/Buenos_Aires", "GB"):
        assert alias not in zones
    assert "Asia/Kolkata" in zones and "Europe/Kyiv" in zones and "UTC" in zones
    assert "America/New_York" not in zones  # listed once, in the first group
    assert len(zones) < 450


def test_a_user_on_an_old_alias_keeps_it_listed_first():
    groups = zone_choices("US/Pacific", NOW)
    assert groups[0] == ("Your current setting (an old name)", [("US/Pacific", "US/Pacific (PST)")])
