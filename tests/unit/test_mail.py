"""Mail goes out through a real SMTP server as multipart text + HTML."""

from app.mail import Mail, build_message, send, single_line


def test_send_multipart_to_real_smtp(smtp_server, mail_config):
    inbox, _ = smtp_server
    results = send(mail_config, [Mail(to="ana@example.org", subject="Hello",
                                      text="plain body", html="<p>html body</p>",
                                      headers={"List-Unsubscribe": "<https://x/u>"})])
    assert results[0][1] is None
    [msg] = inbox.messages
    assert msg["Subject"] == "Hello" and msg["List-Unsubscribe"] == "<https://x/u>"
    assert msg.get_body(("plain",)).get_content().strip() == "plain body"
    assert "html body" in msg.get_body(("html",)).get_content()


def test_temporary_refusal_is_reported_not_raised(smtp_server, mail_config):
    inbox, _ = smtp_server
    inbox.refuse_next = 1
    [(_, error)] = send(mail_config, [Mail(to="a@example.org", subject="s", text="t")])
    assert error is not None and error.temporary and "451" in str(error)
    [(_, error)] = send(mail_config, [Mail(to="a@example.org", subject="s", text="t")])
    assert error is None and len(inbox.messages) == 1


def test_unreachable_server_is_an_error_value(config):
    [(_, error)] = send(config.__class__(**{**config.__dict__, "SMTP_PORT": 1}),
                        [Mail(to="a@example.org", subject="s", text="t")])
    assert error is not None and "cannot connect" in str(error)


def test_feed_text_cannot_inject_headers(config):
    msg = build_message(config, Mail(to="a@example.org",
                                     subject="Title\r\nBcc: victim@example.org", text="t"))
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"]
    assert single_line("a\nb\tc") == "a b c"
