"""The profile's "current password" is a log-in by another door: a stolen session gets no
more guesses at it than the log-in page gives."""

from app.accounts.login_throttle import CLIENT_FREE_FAILURES
from tests.conftest import csrf_from
from tests.factories import PASSWORD


def _change(client, current):
    token = csrf_from(client.get("/profile/").get_data(as_text=True))
    return client.post("/profile/password", data={
        "csrf_token": token, "current_password": current,
        "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"})


def test_guessing_the_current_password_is_slowed_like_a_login(client, make_user, login,
                                                              db_session):
    user = make_user()
    login(user)
    old_hash = user.password_hash
    for n in range(CLIENT_FREE_FAILURES + 1):
        assert _change(client, f"guess number {n}").status_code == 403
    # Even the right password must now wait; nothing was changed.
    res = _change(client, PASSWORD)
    assert res.status_code == 429 and "Wait" in res.get_data(as_text=True)
    db_session.refresh(user)
    assert user.password_hash == old_hash
