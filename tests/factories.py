"""Factory helpers: build valid rows with sensible defaults; override what a test cares about."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta

from app.accounts.tokens import hash_password, new_token, token_digest
from models import Action, Diary, DiaryMetric, Feed, Site, User

_seq = itertools.count(1)
T0 = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)  # a Tuesday, 08:00 in Los Angeles
PASSWORD = "correct horse battery"
# Hashing is deliberately slow; tests share one hash of the common password.
_PASSWORD_HASH = hash_password(PASSWORD)


def make_site(session, **kw) -> Site:
    n = next(_seq)
    values = dict(slug=f"site{n}", name=f"Site {n}", base_url=f"https://site{n}.example",
                  platform="generic")
    values.update(kw)
    site = Site(**values)
    session.add(site)
    session.flush()
    return site


def make_feed(session, site=None, **kw) -> Feed:
    site = site or make_site(session)
    values = dict(site_id=site.id, url=f"{site.base_url}/feed{next(_seq)}.xml",
                  next_poll_at=T0)
    values.update(kw)
    feed = Feed(**values)
    session.add(feed)
    session.flush()
    return feed


def make_user(session, **kw) -> User:
    n = next(_seq)
    password = kw.pop("password", None)
    values = dict(email=f"user{n}@example.org", display_name=f"User {n}", role="blogger",
                  password_hash=hash_password(password) if password else _PASSWORD_HASH,
                  feed_secret_hash=token_digest(secret := new_token()))
    values.update(kw)
    user = User(**values)
    session.add(user)
    session.flush()
    # Kept on the object only (the database has just the hash), for building URLs in tests.
    user.feed_secret = secret
    return user


def make_diary(session, site=None, **kw) -> Diary:
    site = site or make_site(session)
    n = next(_seq)
    values = dict(site_id=site.id, guid=f"guid-{n}", url=f"{site.base_url}/diary/{n}",
                  title=f"Diary {n} about single payer", author=f"author{n}",
                  published_at=T0, summary_html="<p>summary</p>", tags=[],
                  topic_score=3.0, topic_terms=["single payer"],
                  content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
                  first_seen_at=T0, last_seen_at=T0)
    values.update(kw)
    diary = Diary(**values)
    session.add(diary)
    session.flush()
    return diary


def make_metric(session, diary, at: datetime | None = None, recommends: int | None = 0,
                comments: int | None = 0) -> DiaryMetric:
    metric = DiaryMetric(diary_id=diary.id, observed_at=at or diary.published_at,
                         recommends=recommends, comments=comments)
    diary.recommends, diary.comments = recommends, comments
    diary.counts_checked_at = metric.observed_at
    session.add(metric)
    session.flush()
    return metric


def make_action(session, user, diary, kind="recommend", target_site=None, **kw) -> Action:
    action = Action(user_id=user.id, diary_id=diary.id, kind=kind,
                    target_site_id=(target_site or diary.site).id, at=kw.pop("at", T0), **kw)
    session.add(action)
    session.flush()
    return action


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
