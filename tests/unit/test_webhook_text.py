"""The chat webhook's address is a secret; titles in chat messages ping nobody; the
hourly alert limit is read from the environment like every setting."""

import pytest

from app.alerts import webhook
from config import Config, ConfigError

SLACK = "https://hooks.slack.com/services/T000AAAA/B000BBBB/abcdefghijklmnopqrstWxyz"


def test_mask_keeps_scheme_host_and_four_last_characters_only():
    assert webhook.mask(SLACK) == "https://hooks.slack.com/…Wxyz"
    assert "T000AAAA" not in webhook.mask(SLACK) and "abcdefgh" not in webhook.mask(SLACK)
    assert webhook.mask("http://h.example/x") == "http://h.example/…"
    assert webhook.mask(None) == ""


@pytest.mark.parametrize("url", ["ftp://h.example/x", "file:///etc/passwd", "javascript:x",
                                 "hooks.slack.com/services/x", "", "https://", "https://h. x/"])
def test_only_http_and_https_urls_with_a_host_are_webhooks(url):
    assert webhook.check_url(url) is not None


def test_a_real_webhook_url_is_accepted():
    assert webhook.check_url(SLACK) is None
    assert webhook.check_url("http://127.0.0.1:8065/hooks/xyz") is None


def test_titles_cannot_ping_the_channel_or_add_links():
    text = webhook.chat_safe("<!channel> @here read <https://evil.example|this>\nnow")
    assert "<" not in text and ">" not in text and "@here" not in text and "\n" not in text
    body = webhook.payload("x" * 5000)
    assert len(body["content"]) <= 2000 and body["text"] == body["content"]


def test_alert_limit_comes_from_the_environment(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 20}
    assert Config.from_env(env).ALERTS_PER_USER_PER_HOUR == 3
    assert Config.from_env({**env, "ALERTS_PER_USER_PER_HOUR": "5"}).ALERTS_PER_USER_PER_HOUR == 5
    with pytest.raises(ConfigError, match="ALERTS_PER_USER_PER_HOUR"):
        Config.from_env({**env, "ALERTS_PER_USER_PER_HOUR": "many"})
