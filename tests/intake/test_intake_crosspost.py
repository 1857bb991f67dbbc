"""Cross-post matching: same author and near-identical title, or a link between them."""

from scrapers.crosspost import (
    Candidate,
    group_id_for,
    linked_urls,
    normalise_title,
    normalise_url,
    same_diary,
    title_similarity,
)


def cand(i, site, author="Dr Fred", title="Why SB 840 matters", url=None, summary="",
         group=None):
    return Candidate(i, site, author, title, url or f"https://site{site}.example/d/{i}",
                     summary, group)


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
