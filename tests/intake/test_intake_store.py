"""Storing entries: upsert by (site, guid), updates, metrics, cross-post groups, re-tagging."""

from datetime import timedelta

from sqlalchemy import select

from models import Diary, DiaryMetric, TopicRule
from scrapers import store
from scrapers.topics import DEFAULT_RULES, compile_rules, tag_entries
from scrapers.types import DiaryCounts, EntryData
from tests.factories import T0

RULES = compile_rules(DEFAULT_RULES)


def entry(n, title=None, **kw):
    values = dict(guid=f"https://kos.example/d/{n}", url=f"https://kos.example/d/{n}",
                  title=title or f"Diary {n}", author=f"author{n}",
                  published_at=T0 - timedelta(hours=1), tags=(),
                  summary_html="<p>text</p>")
    values.update(kw)
    return EntryData(**values)


def put(session, site, entries, now=T0):
    return store.store_entries(session, site.id, tag_entries(entries, RULES), now)


def diaries(session, site):
    session.expire_all()
    return session.scalars(select(Diary).where(Diary.site_id == site.id)
                           .order_by(Diary.id)).all()


def test_new_entries_are_stored_tagged_and_a_repoll_adds_no_duplicates(db_session, make_site):
    site = make_site()
    entries = [entry(1, "Why single payer now"), entry(2, "Iraq supplemental vote")]
    first = put(db_session, site, entries)
    assert first.new_count == 2 and first.updated_count == 0
    rows = diaries(db_session, site)
    assert [d.topic_terms for d in rows] == [["single payer"], []]
    assert rows[0].topic_score == 9.0 and rows[1].topic_score == 0
    assert rows[0].first_seen_at == T0 and rows[0].published_at == T0 - timedelta(hours=1)

    again = put(db_session, site, entries, now=T0 + timedelta(minutes=15))
    assert (again.new_count, again.updated_count, again.unchanged) == (0, 0, 2)
    rows = diaries(db_session, site)
    assert len(rows) == 2
    assert rows[0].last_seen_at == T0 + timedelta(minutes=15)
    assert rows[0].first_seen_at == T0


def test_changed_entry_is_updated_and_keeps_first_seen(db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1, "Draft title")])
    later = T0 + timedelta(minutes=30)
    result = put(db_session, site, [entry(1, "Medicare for All: the final title",
                                          tags=("health care",), summary_html="<p>new</p>")],
                 now=later)
    assert result.updated_count == 1 and result.new_count == 0
    [diary] = diaries(db_session, site)
    assert diary.title == "Medicare for All: the final title"
    assert diary.tags == ["health care"] and diary.summary_html == "<p>new</p>"
    assert "Medicare for All" in diary.topic_terms and diary.topic_score > 0
    assert diary.first_seen_at == T0 and diary.last_seen_at == later


def test_a_guid_stored_by_another_writer_meanwhile_becomes_an_update(db_session, make_site,
                                                                     monkeypatch):
    # Another poller stored diary 1 between our SELECT of known guids and our INSERT: the
    # insert must not fail the feed's transaction; the row is updated, diary 2 is new.
    site = make_site()
    put(db_session, site, [entry(1, "Draft title")])
    real_existing = store._existing
    calls = []

    def stale_first_read(session, site_id, guids):
        calls.append(guids)
        return {} if len(calls) == 1 else real_existing(session, site_id, guids)

    monkeypatch.setattr(store, "_existing", stale_first_read)
    result = put(db_session, site, [entry(1, "Final title"), entry(2)])
    assert (result.new_count, result.updated_count) == (1, 1)
    assert [d.title for d in diaries(db_session, site)] == ["Final title", "Diary 2"]


def test_a_diary_stored_under_its_former_guid_is_found_not_copied(db_session, make_site):
    # diaryboost 0.1 stored a bare guid "4197" resolved against the feed URL.
    site = make_site()
    put(db_session, site, [entry(1, guid="https://kos.example/rss/4197")])
    result = put(db_session, site, [entry(1, guid="4197",
                                          former_guids=("https://kos.example/rss/4197",))])
    assert (result.new_count, result.updated_count) == (0, 1)
    [diary] = diaries(db_session, site)
    assert diary.guid == "4197"
    again = put(db_session, site, [entry(1, guid="4197",
                                         former_guids=("https://kos.example/rss/4197",))])
    assert (again.new_count, again.updated_count, again.unchanged) == (0, 0, 1)


def test_same_guid_on_another_site_is_another_diary(db_session, make_site):
    one, two = make_site(), make_site()
    put(db_session, one, [entry(1)])
    put(db_session, two, [entry(1)])
    assert len(diaries(db_session, one)) == len(diaries(db_session, two)) == 1


def test_a_guid_listed_twice_in_one_feed_is_stored_once(db_session, make_site):
    site = make_site()
    result = put(db_session, site, [entry(1, "first copy"), entry(1, "second copy")])
    assert result.new_count == 1
    assert [d.title for d in diaries(db_session, site)] == ["second copy"]


def test_oversized_fields_are_cut_to_the_column(db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1, "x" * 5000, author="a" * 500)])
    [diary] = diaries(db_session, site)
    assert len(diary.title) == 1000 and len(diary.author) == 200


def test_crossposted_copy_joins_the_group_of_the_lowest_id(db_session, make_site):
    kos, mydd, calitics = make_site(), make_site(), make_site()
    put(db_session, kos, [entry(1, "SiCKO and the uninsured", author="nurse_ann")])
    put(db_session, mydd, [entry(2, "SiCKO and the Uninsured [cross-posted]",
                                 author="Nurse_Ann")])
    put(db_session, calitics, [entry(3, "A different headline on health care", author="x",
                                     summary_html='<p>From <a href="http://kos.example/d/1/">'
                                                  'Kos</a></p>')])
    put(db_session, calitics, [entry(4, "Unrelated: the uninsured", author="nurse_ann")])
    rows = [d for s in (kos, mydd, calitics) for d in diaries(db_session, s)]
    first = rows[0].id
    assert [d.crosspost_group_id for d in rows] == [first, first, first, None]


def test_reverse_link_found_when_the_copy_arrives_first(db_session, make_site):
    kos, mydd = make_site(), make_site()
    put(db_session, mydd, [entry(9, "Copy on Medicaid", author="b",
                                 url="https://mydd.example/9",
                                 guid="m9",
                                 summary_html='<a href="https://kos.example/d/5">orig</a>')])
    put(db_session, kos, [entry(5, "Original on SCHIP", author="a")])
    rows = diaries(db_session, mydd) + diaries(db_session, kos)
    assert rows[0].crosspost_group_id == rows[1].crosspost_group_id == rows[0].id


def test_a_link_to_another_form_of_a_story_url_is_that_diary(db_session, make_site):
    kos = make_site(platform="dailykos", base_url="https://www.dailykos.com")
    mydd = make_site()
    put(db_session, kos, [entry(5, "Original on SCHIP", author="a", guid="story:2370437",
                                url="https://www.dailykos.com/stories/2026/2/25/2370437/-SCHIP")])
    put(db_session, mydd, [entry(9, "Copy on Medicaid", author="b", guid="m9",
                                 summary_html='<a href="http://dailykos.com/story/2026/2/25/'
                                              '2370437/-Old?pm_campaign=rss">orig</a>')])
    rows = diaries(db_session, kos) + diaries(db_session, mydd)
    assert rows[0].crosspost_group_id == rows[1].crosspost_group_id == rows[0].id


def test_off_topic_diaries_are_not_grouped(db_session, make_site):
    kos, mydd = make_site(), make_site()
    put(db_session, kos, [entry(1, "Iraq funding vote", author="ann")])
    put(db_session, mydd, [entry(2, "Iraq funding vote", author="ann")])
    rows = diaries(db_session, kos) + diaries(db_session, mydd)
    assert [d.crosspost_group_id for d in rows] == [None, None]


def test_a_copy_joins_one_diary_per_other_site(db_session, make_site):
    kos, mydd = make_site(), make_site()
    put(db_session, kos, [entry(1, "SiCKO tonight", author="ann"),
                          entry(2, "SiCKO tonight!", author="ann",
                                published_at=T0 - timedelta(hours=20))])
    put(db_session, mydd, [entry(3, "SiCKO tonight", author="ann")])
    first, second = diaries(db_session, kos)
    [copy] = diaries(db_session, mydd)
    assert copy.crosspost_group_id == first.id == first.crosspost_group_id
    assert second.crosspost_group_id is None


def test_crossposts_outside_the_window_are_separate(db_session, make_site):
    kos, mydd = make_site(), make_site()
    put(db_session, kos, [entry(1, "Same title: single payer", author="ann")])
    put(db_session, mydd, [entry(2, "Same title: single payer", author="ann",
                                 published_at=T0 + timedelta(days=10))])
    rows = diaries(db_session, kos) + diaries(db_session, mydd)
    assert [d.crosspost_group_id for d in rows] == [None, None]


def test_metrics_accumulate_when_counts_change_or_hourly(db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1)])
    [diary] = diaries(db_session, site)
    steps = [(T0, DiaryCounts(0, 0)), (T0 + timedelta(minutes=10), DiaryCounts(0, 0)),
             (T0 + timedelta(minutes=20), DiaryCounts(4, 1)),
             (T0 + timedelta(minutes=30), DiaryCounts(None, 3)),
             (T0 + timedelta(minutes=90), DiaryCounts(4, 3)),
             (T0 + timedelta(minutes=100), DiaryCounts(None, None))]
    added = [store.record_counts(db_session, diary.id, counts, at) for at, counts in steps]
    # A read that found neither count is not an observation: no metric row.
    assert added == [True, False, True, True, True, False]
    metrics = db_session.execute(select(DiaryMetric.observed_at, DiaryMetric.recommends,
                                        DiaryMetric.comments)
                                 .where(DiaryMetric.diary_id == diary.id)
                                 .order_by(DiaryMetric.observed_at)).all()
    # A count the page did not show is unknown in its row, not 0 and not a copy.
    assert [(m.recommends, m.comments) for m in metrics] == \
        [(0, 0), (4, 1), (None, 3), (4, 3)]
    db_session.expire_all()
    # The last known counts stay, with the time they were read.
    assert (diary.recommends, diary.comments) == (4, 3)
    assert diary.counts_checked_at == T0 + timedelta(minutes=100)
    assert diary.counts_read_at == T0 + timedelta(minutes=90)


def test_rec_list_marks_listed_diaries_and_clears_the_rest(db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1), entry(2)])
    assert store.set_rec_list(db_session, site.id, ["http://kos.example/d/1/"]) == 1
    assert [d.on_rec_list for d in diaries(db_session, site)] == [True, False]
    store.set_rec_list(db_session, site.id, ["https://kos.example/d/2"])
    assert [d.on_rec_list for d in diaries(db_session, site)] == [False, True]


def test_retag_rescores_stored_diaries_with_the_enabled_rules(db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1, "Nurses rally for SB 840"), entry(2, "Iraq")])
    db_session.add_all([TopicRule(phrase="Iraq", weight=1.0),
                        TopicRule(phrase="SB 840", weight=3.0, enabled=False)])
    db_session.flush()
    rules = store.load_rules(db_session)
    assert [r.phrase for r in rules] == ["Iraq"]
    assert store.retag(db_session, compile_rules(rules)) == 2
    rows = diaries(db_session, site)
    assert [(d.topic_score, d.topic_terms) for d in rows] == [(0.0, []), (3.0, ["Iraq"])]
    assert store.retag(db_session, compile_rules(rules)) == 0


def test_rules_default_until_the_table_is_seeded(db_session):
    assert store.load_rules(db_session) == DEFAULT_RULES


def test_a_new_guid_with_a_stored_link_is_that_diary_unless_the_link_names_no_one(
        db_session, make_site):
    site = make_site()
    put(db_session, site, [entry(1, guid="a-1"), entry(2, guid="a-2"),
                           entry(3, guid="home-1", url="https://kos.example/")])
    later = T0 + timedelta(minutes=20)
    churned = put(db_session, site, [
        entry(1, "Diary 1, edited", guid="b-1"),                 # churned guid: same diary
        entry(2, guid="a-2"), entry(9, guid="b-2", url="https://kos.example/d/2"),
        entry(3, guid="home-2", url="https://kos.example/"),     # a front page names no one
    ], now=later)
    rows = {d.guid: d for d in diaries(db_session, site)}
    # The churned guid updated the stored diary (its guid is kept); the link of a diary
    # still listed under its own guid, and the front page, are new diaries.
    assert rows["a-1"].title == "Diary 1, edited" and "b-1" not in rows
    assert {"b-2", "home-2"} <= set(rows)
    assert (churned.new_count, churned.updated_count) == (2, 1)
    assert store.identity_link("https://www.kos.example/d/1/") == "kos.example/d/1"
    assert store.identity_link("https://kos.example/") is None


def test_an_edited_entry_without_author_keeps_the_author_read_from_its_page(db_session,
                                                                           make_site):
    site = make_site()
    put(db_session, site, [entry(1, author=None)])
    [diary] = diaries(db_session, site)
    store.record_counts(db_session, diary.id, DiaryCounts(3, 1, "Alix Breeden"), T0)
    put(db_session, site, [entry(1, title="Edited title", author=None)])
    db_session.expire_all()
    [diary] = diaries(db_session, site)
    assert (diary.title, diary.author) == ("Edited title", "Alix Breeden")
