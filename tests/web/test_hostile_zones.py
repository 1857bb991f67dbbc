"""A time-zone name is a file name to zoneinfo: "America" (a directory) or a very long
name must be refused like any unknown zone, never a 500 or a crash at start-up."""

import pytest

from config import Config, ConfigError
from tests.conftest import csrf_from


@pytest.mark.parametrize("zone", ["America", "x" * 5000])
def test_profile_refuses_a_zone_that_is_a_folder_or_too_long(client, make_user, login,
                                                             db_session, zone):
    user = make_user(timezone="America/Chicago")
    login(user)
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    res = client.post("/profile/preferences", data={
        "csrf_token": token, "timezone": zone, "shift_reminder_minutes": "30"})
    assert res.status_code == 400
    assert "Unknown time zone" in res.get_data(as_text=True)
    db_session.refresh(user)
    assert user.timezone == "America/Chicago"


def test_config_refuses_a_zone_that_is_a_folder(tmp_path):
    with pytest.raises(ConfigError, match="TIMEZONE"):
        Config.from_env({"INSTANCE_PATH": str(tmp_path), "TIMEZONE": "America"})
