"""Step 2 of 3: turn a WeekDigest into one recipient's message (subject, text, HTML).

Plain Jinja2, not Flask's environment, so the scheduler and the CLI render without an
app. The HTML part is written for mail clients: tables, 600 px wide, every style inlined
(css_inline), no scripts and no images.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import css_inline

from app.digest.build import WeekDigest
from app.digest.tokens import unsubscribe_url
from app.mail import single_line, templates
from app.text import plural
from config import Config


@dataclass(frozen=True)
class Recipient:
    user_id: int
    name: str
    email: str
    timezone: str
    is_admin: bool
    unsubscribe_url: str


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def recipient_for(user, config: Config) -> Recipient:
    """A Recipient for a User row; the unsubscribe link is signed with config.SECRET_KEY."""
    return Recipient(user_id=user.id, name=user.display_name or user.email, email=user.email,
                     timezone=user.timezone or config.TIMEZONE, is_admin=user.role == "admin",
                     unsubscribe_url=unsubscribe_url(config.BASE_URL, config.SECRET_KEY,
                                                     user.id, user.unsubscribe_generation))


_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


_KIND_NOUNS = {"recommend": "recommend", "comment": "comment", "crosspost": "cross-post"}


def _kind(n: int, kind: str) -> str:
    """"3 cross-posts" for an action kind and its count."""
    return plural(n, _KIND_NOUNS.get(kind, kind))


def _day(d) -> str:
    return f"{d.day} {d:%b}"


def subject_for(digest: WeekDigest) -> str:
    """"diaryboost weekly: 14 diaries boosted, 3 made the rec list — week of 17 Nov", plus
    the week's top diary. Titles come from feeds: single_line keeps them out of headers."""
    subject = (f"diaryboost weekly: {plural(digest.boosted_count, 'diary')} "
               f"boosted, {len(digest.made)} made the rec list — week of {_day(digest.monday)}")
    top = (digest.made or digest.near or ())[:1]
    if top:
        subject += f" — top: {single_line(top[0].title, 60)}"
    return single_line(subject, 200)


def render(digest: WeekDigest, recipient: Recipient) -> RenderedDigest:
    """Both parts of the digest for ``recipient``: times in their zone, admin parts for
    admins only, and their own unsubscribe link."""
    zone = ZoneInfo(recipient.timezone)

    def when(value: datetime, fmt: str = "%a %d %b %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt)

    context = dict(d=digest, r=recipient, when=when, day=_day,
                   subject=subject_for(digest), zone_name=recipient.timezone,
                   link=lambda path: f"{digest.base_url}{path}", kind=_kind)
    text = templates().get_template("digest/email.txt").render(context)
    html = templates().get_template("digest/email.html").render(context)
    return RenderedDigest(subject=context["subject"], text=text, html=_INLINER.inline(html))
