"""Health-care tagging: which diaries are about the topic, and why."""


from scrapers.topics import (
    DEFAULT_RULES,
    FIELD_WEIGHTS,
    Rule,
    compile_rules,
    explain,
    html_to_text,
    score,
)

RULES = [Rule("single payer", 3.0), Rule("Medicare", 1.5), Rule("Medicare for All", 3.0),
         Rule("H.R. 676", 3.0), Rule("CNA", 1.0, "tags")]


def test_title_counts_more_than_tags_more_than_body():
    title = score("Why single payer now", [], "", RULES)
    tags = score("A diary", ["single payer"], "", RULES)
    body = score("A diary", [], "we need single payer", RULES)
    assert title.score == 3.0 * FIELD_WEIGHTS["title"]
    assert tags.score == 3.0 * FIELD_WEIGHTS["tags"]
    assert body.score == 3.0 * FIELD_WEIGHTS["body"]
    assert title.score > tags.score > body.score
    assert title.terms == tags.terms == body.terms == ("single payer",)


def test_case_insensitive_whole_words_and_flexible_spaces():
    assert score("SINGLE   PAYER rally", [], "", RULES).terms == ("single payer",)
    assert score("Single\nPayer", [], "", RULES).terms == ("single payer",)
    # Word boundaries: no match inside other words.
    assert score("Medicares and remedicare", [], "", RULES).score == 0
    assert score("H.R. 676 hearing", [], "", RULES).terms == ("H.R. 676",)
    assert score("HR. 6760", [], "", RULES).score == 0


def test_a_phrase_counts_once_per_field_however_often_it_appears():
    once = score("", [], "single payer", RULES)
    thrice = score("", [], "single payer, single payer and single payer", RULES)
    assert once == thrice
    everywhere = score("single payer", ["single payer"], "single payer", RULES)
    assert everywhere.score == 3.0 * (3 + 2 + 1)
    assert everywhere.terms == ("single payer",)


def test_a_longer_phrase_also_counts_the_phrases_inside_it():
    match = score("Medicare for All now", [], "", RULES)
    assert set(match.terms) == {"Medicare", "Medicare for All"}
    assert match.score == (1.5 + 3.0) * 3
    # Terms follow the rule order, so the dashboard's "why" is stable.
    assert match.terms == ("Medicare", "Medicare for All")


def test_field_restricted_rule_applies_only_there():
    assert score("CNA endorses", [], "the CNA", RULES).score == 0
    assert score("x", ["CNA"], "", RULES).terms == ("CNA",)


def test_tags_do_not_join_into_a_phrase():
    assert score("x", ["single", "payer"], "", RULES).score == 0


def test_off_topic_diary_scores_zero():
    match = score("Iraq war funding vote", ["iraq", "congress"],
                  "The supplemental passed the House today.", DEFAULT_RULES)
    assert match.score == 0 and match.terms == ()


def test_default_rules_tag_typical_health_care_diaries():
    sicko = score("SiCKO opens Friday: Michael Moore takes on the insurance companies",
                  ["health care", "sicko"], "", DEFAULT_RULES)
    assert {"SiCKO", "Michael Moore", "insurance companies", "health care"} <= set(sicko.terms)
    sb840 = score("Calling Sacramento on SB 840", [],
                  "<p>The <b>California Nurses Association</b> backs single-payer.</p>",
                  DEFAULT_RULES)
    assert sb840.score > 0 and "SB 840" in sb840.terms
    text = html_to_text("<p>The <b>California Nurses Association</b> backs single-payer.</p>")
    # "single-payer" is the "single payer" rule: spellings fold into one.
    assert {"California Nurses Association", "single payer"} <= set(
        score("x", [], text, DEFAULT_RULES).terms)


def test_html_to_text_drops_markup_and_unescapes():
    assert html_to_text('<a href="http://x/single-payer">link</a> health &amp; care') \
        .split() == ["link", "health", "&", "care"]
    assert score("x", [], html_to_text('<a href="/single-payer">read</a>'), RULES).score == 0


def test_explain_lists_each_phrase_per_field_with_points():
    hits = explain("Medicare for All", ["single payer"], "single payer", RULES)
    assert [(h.phrase, h.field, h.points) for h in hits] == [
        ("single payer", "tags", 6.0), ("single payer", "body", 3.0),
        ("Medicare", "title", 4.5), ("Medicare for All", "title", 9.0)]


def test_rule_set_is_compiled_once():
    assert compile_rules(list(DEFAULT_RULES)) is compile_rules(tuple(DEFAULT_RULES))


def test_hyphens_one_word_spellings_and_word_order_match_like_the_phrase():
    rules = [Rule("health care reform", 2.0), Rule("single payer", 3.0)]
    for title in ("Health-care reform now", "Healthcare reform now",
                  "Reform of the health care system", "Single-payer", "singlepayer"):
        assert score(title, [], "", rules).score > 0, title
    # Words far apart, or inside other words, are not the phrase.
    assert score("Reform the tax code; health and care are another day's work",
                 [], "", rules).score == 0
    assert score("Singlepayers", [], "", rules).score == 0


def test_spellings_of_one_rule_count_once():
    rules = [Rule("single payer", 3.0), Rule("single-payer", 3.0), Rule("health care", 2.0),
             Rule("healthcare", 2.0)]
    match = score("Single-payer healthcare", [], "", rules)
    assert match.terms == ("single payer", "health care")
    assert match.score == (3.0 + 2.0) * FIELD_WEIGHTS["title"]


def test_an_ambiguous_name_scores_only_next_to_a_health_care_term():
    film = score("Bowling for Columbine, five years later", [],
                 "Michael Moore's film about guns still starts arguments.", DEFAULT_RULES)
    assert film.score == 0 and film.terms == ()
    sicko = score("Michael Moore's SiCKO opens Friday", [], "", DEFAULT_RULES)
    assert {"Michael Moore", "SiCKO"} <= set(sicko.terms)
    # Two different ambiguous terms vouch for each other; one name twice does not.
    assert score("Kaiser raises premiums again", [], "", DEFAULT_RULES).score > 0
    assert score("Fahrenheit 9/11 on cable", [], "Michael Moore's film; Moore again.",
                 DEFAULT_RULES).score == 0


def test_default_rules_know_the_vocabulary_of_2007_and_today():
    for title in ("Mental health parity finally passes", "The HSA trap",
                  "Veterans' hospital scandal spreads", "Insulin caps for everyone",
                  "Pre-existing conditions and the ACA repeal vote",
                  "Medicaid expansion saves rural hospitals"):
        assert score(title, [], "", DEFAULT_RULES).score > 0, title
