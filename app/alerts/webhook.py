"""Outgoing chat messages through an incoming webhook (Slack, Mattermost, Discord).

The webhook's URL is a credential (whoever has it can post to the team's channel), so it
is never logged, never put in an error message and only ever shown masked. A slow or
broken chat server must not hold up the poll: every post has a short timeout and a total
deadline, and failures come back as a short error text, never as an exception.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import requests

from app.boost.actions import is_web_url

# Discord refuses content over 2,000 characters.
MAX_TEXT = 1900
USERNAME = "diaryboost"


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be a webhook (a sentence for the form), or None when it can."""
    url = (url or "").strip()
    if not url:
        return "Enter the webhook's address."
    if len(url) > 2000:
        return "The webhook address is too long (at most 2,000 characters)."
    if not is_web_url(url):
        return "The webhook address must start with http:// or https:// and name a host."
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "The webhook address must not contain spaces or control characters."
    return None


def mask(url: str | None) -> str:
    """Enough to recognise which webhook it is, not enough to post to it."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
    except ValueError:
        return "…"
    tail = url[-4:] if len(url) >= 24 else ""
    return f"{parts.scheme}://{host}/…{tail}"


def chat_safe(text: str) -> str:
    """Text from a feed as it may go into a chat message: no pings (``@channel``,
    ``<!everyone>``) and no link markup an author could smuggle in through a title."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return (cleaned.replace("<", "\u2039").replace(">", "\u203a")
            .replace("@", "@\u200b"))


def payload(text: str) -> dict:
    """One JSON body every common chat accepts: Slack and Mattermost read ``text``,
    Discord reads ``content`` (and pings nobody with ``allowed_mentions`` empty)."""
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return {"text": text, "content": text, "username": USERNAME,
            "allowed_mentions": {"parse": []}}


def post(url: str, text: str, timeout: float, user_agent: str) -> str | None:
    """POST ``text`` to the webhook; None when it answered 2xx, else what went wrong (in
    words that never carry the URL). Gives up after ``timeout`` to connect or to answer,
    and after twice that in all (a server trickling its answer byte by byte)."""
    outcome: list[str | None] = []

    def attempt() -> None:
        outcome.append(_post(url, payload(text), timeout, user_agent))

    # A daemon thread: a server that never finishes answering keeps only that thread.
    worker = threading.Thread(target=attempt, name="chat-webhook", daemon=True)
    worker.start()
    worker.join(2 * timeout)
    if not outcome:
        return f"no answer within {2 * timeout:g} s"
    return outcome[0]


def _post(url: str, body: dict, timeout: float, user_agent: str) -> str | None:
    try:
        with requests.Session() as session:
            # Like the fetcher: no proxy or .netrc credentials picked up from the environment.
            session.trust_env = False
            response = session.post(url, json=body, timeout=(timeout, timeout), stream=True,
                                    allow_redirects=False, headers={"User-Agent": user_agent})
            with response:
                if 200 <= response.status_code < 300:
                    return None
                return f"the chat server answered HTTP {response.status_code}"
    except requests.Timeout:
        return f"no answer within {timeout:g} s"
    except requests.ConnectionError:
        return "could not connect to the chat server"
    except (requests.RequestException, ValueError) as exc:
        # The exception's text names the URL: only its kind is kept.
        return f"request failed ({type(exc).__name__})"
