"""Cross-post matching: same author and near-identical title, or a link between them."""

from datetime import timedelta

from scrapers.adapters import get_adapter
from scrapers.crosspost import (
    Candidate,
    Identities,
    SiteIds,
    group_id_for,
    linked_urls,
    normalise_title,
    normalise_url,
    plan_groups,
    same_diary,
    title_similarity,
)
from tests.factories import T0


def cand(i, site, author="Dr Fred", title="Why SB 840 matters", url=None, summary="",
         group=None, hours=0):
    return Candidate(i, site, author, title, url or f"https://site{site}.example/d/{i}",
                     summary, group, T0 + timedelta(hours=hours))


def test_same_author_and_near_identical_title_on_two_sites():
    a = cand(1, 1, title="Why SB 840 matters")
    b = cand(2, 2, author="dr  fred", title="Why SB 840 Matters! [cross-posted from Calitics]")
    assert same_diary(a, b) and same_diary(b, a)


def test_typo_fix_still_matches_but_a_different_diary_does_not():
    a = cand(1, 1, title="The uninsured in California: a long road to single payer")
    typo = "The uninsured in California: a long raod to single payer"
    assert same_diary(a, cand(2, 2, title=typo))
    assert not same_diary(a, cand(3, 2, title="The uninsured in Texas: no road at all"))


def test_different_author_or_same_site_is_not_a_crosspost():
    a = cand(1, 1)
    assert not same_diary(a, cand(2, 2, author="someone else"))
    assert not same_diary(a, cand(3, 1))
    assert not same_diary(a, cand(4, 2, author=None))


def test_a_link_to_the_other_copy_is_enough_whoever_wrote_it():
    original = cand(1, 1, author="A", title="Original", url="https://www.dailykos.com/story/7/")
    copy = cand(2, 2, author="B", title="Totally different",
                summary='<p>Originally at <a href="http://dailykos.com/story/7">DK</a></p>')
    assert same_diary(copy, original) and same_diary(original, copy)


def test_normalisation_helpers():
    assert normalise_title("  Why SB-840   matters (cross-posted at MyDD) ") == "why sb 840 matters"
    assert normalise_url("HTTPS://WWW.Example.com/a/b/#c") == "example.com/a/b"
    assert linked_urls('<a href="https://x.org/1">x</a> <a href=\'/rel\'>y</a>') == {
        "x.org/1", "/rel"}
    assert title_similarity("", "x") == 0.0


def test_group_id_is_the_lowest_diary_id_of_the_group():
    assert group_id_for(9, [cand(4, 2, group=None)]) == 4
    assert group_id_for(9, [cand(4, 2, group=3), cand(7, 3, group=7)]) == 3
    assert group_id_for(2, [cand(4, 2)]) == 2


KOS = Identities([SiteIds(1, frozenset({"www.dailykos.com", "dailykos.com"}),
                          get_adapter("dailykos").story_id, "https://www.dailykos.com")])
STORIES = "https://www.dailykos.com/stories/2026/2/25/2370437/-Medicare-for-All"


def test_a_link_names_the_diary_by_story_id_whatever_its_form():
    assert KOS("http://dailykos.com/story/2026/2/25/2370437/-Old-slug?pm_campaign=rss") \
        == KOS(STORIES) == "site:1/story:2370437"
    assert KOS("https://www.dailykos.com/stories/2026/2/25/2370438/-x") != KOS(STORIES)
    assert KOS("https://calitics.example/diary/1") == "calitics.example/diary/1"
    original = cand(1, 1, author="A", title="Original", url=STORIES)
    copy = cand(2, 2, author="B", title="Other words", summary=(
        '<a href="http://dailykos.com/story/2026/2/25/2370437/-Slug?pm_medium=rss">DK</a>'))
    assert same_diary(copy, original, KOS) and not same_diary(copy, original)


def test_plan_groups_joins_copies_into_the_lowest_id_and_merges_groups():
    mine = [cand(10, 1, title="Why SB 840 matters")]
    others = [cand(4, 2, group=4), cand(7, 3, group=7), cand(8, 3, author="someone else")]
    [grouping] = plan_groups(mine, others)
    assert grouping.group_id == 4
    assert set(grouping.diary_ids) == {10, 4, 7}
    assert grouping.merged == {7}
    assert plan_groups([cand(11, 1, author="nobody")], others) == []


def test_plan_groups_takes_one_copy_per_site_the_nearest_in_time():
    far, near = cand(2, 2, hours=-30), cand(3, 2, hours=-1)
    [grouping] = plan_groups([cand(9, 1)], [far, near])
    assert grouping.diary_ids == (9, 3) and grouping.loose == (9, 3)
    assert grouping.merged == frozenset()


def test_later_diaries_of_a_batch_see_the_groups_earlier_ones_made():
    mine = [cand(20, 1), cand(21, 3, title="Why SB 840 matters (x-posted)")]
    first, second = plan_groups(mine, [cand(5, 2)])
    assert first.group_id == second.group_id == 5
    assert second.loose == (21,)  # diary 5 already joined with the first


def test_plan_groups_finds_a_copy_linking_this_diary_in_another_form():
    me = cand(30, 1, author="A", title="Original", url=STORIES)
    linker = cand(3, 2, author="B", title="Different", summary=(
        '<a href="https://dailykos.com/story/2026/2/25/2370437/?pm_source=x">at DK</a>'))
    assert [g.diary_ids for g in plan_groups([me], [linker], identify=KOS)] == [(30, 3)]
    assert plan_groups([me], [linker]) == []
