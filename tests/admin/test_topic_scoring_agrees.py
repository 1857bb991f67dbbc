"""One topic score: the Topics page's test box, `topics test` and real tagging (ingest
and re-tag) give the same score for the same diary, with the same rules in force."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from app.cli import Env, cli
from app.sources import topics
from models import TopicRule
from scrapers import store
from scrapers.topics import compile_rules, tag_entries
from scrapers.types import EntryData
from tests.conftest import csrf_from
from tests.factories import T0

TITLE = "SiCKO and single payer"
TAGS = "health care, movies"
# Markup counts for nothing: "medicare" is only in the href, "uninsured" is in a <b>.
BODY = '<p>the <b>uninsured</b> &amp; <a href="https://x.example/medicare">them</a></p>'


def _web(client, login, make_user) -> float:
    login(make_user(role="admin"))
    token = csrf_from(client.get("/admin/topics/").get_data(as_text=True))
    page = client.post("/admin/topics/test", data={"csrf_token": token, "title": TITLE,
                                                   "tags": TAGS, "body": BODY})
    assert page.status_code == 200
    return float(LexborHTMLParser(page.get_data(as_text=True)).css_first(".topic-score").text())


def _cli(tmp_path, session_factory) -> float:
    from tests.conftest import make_config

    env = Env()
    env.__dict__["config"] = make_config(tmp_path)
    env.__dict__["sessions"] = session_factory
    out = CliRunner().invoke(cli, ["topics", "test", TITLE, "--tags", TAGS, "--body", BODY],
                             obj=env, catch_exceptions=False).output
    return float(re.search(r"^score (\S+) ", out, re.MULTILINE).group(1))


def _tagging(db_session, make_diary) -> tuple[float, float]:
    tags = [t.strip() for t in TAGS.split(",")]
    rules = compile_rules(store.load_rules(db_session))
    entry = EntryData(guid="g", url="https://x.example/d/1", title=TITLE, author=None,
                      published_at=T0, tags=tuple(tags), summary_html=BODY)
    [ingested] = tag_entries([entry], rules)
    diary = make_diary(title=TITLE, tags=tags, summary_html=BODY, topic_score=0.0,
                       topic_terms=[])
    topics.retag(db_session)
    db_session.refresh(diary)
    return ingested.match.score, diary.topic_score


@pytest.mark.parametrize("own_rules", [False, True], ids=["default-rules", "admin-rules"])
def test_test_box_cli_and_tagging_agree(own_rules, db_session, session_factory, client, login,
                                        make_user, make_diary, tmp_path):
    if own_rules:
        db_session.add_all([TopicRule(phrase="single payer", weight=3.0, field="any"),
                            TopicRule(phrase="uninsured", weight=2.0, field="any"),
                            TopicRule(phrase="medicare", weight=5.0, field="any"),
                            TopicRule(phrase="SiCKO", weight=4.0, field="any", enabled=False)])
        db_session.flush()
    ingested, retagged = _tagging(db_session, make_diary)
    assert ingested > 0
    assert _web(client, login, make_user) == _cli(tmp_path, session_factory) == ingested == retagged
