"""Each rule on its own, and the policy that turns findings into a decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from edu.moderation.domain.decisions import Finding, Outcome, decide
from edu.moderation.domain.links import LinkRule, link_hosts
from edu.moderation.domain.repeats import PriorPost, RepeatRule
from edu.moderation.domain.spam import spam_findings
from edu.moderation.domain.text import words
from edu.moderation.domain.wordlists import WordList, bundled_word_lists

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
LISTS = bundled_word_lists()


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def listed(text: str) -> list[Finding]:
    return [finding for lst in LISTS for finding in lst.findings(words(text))]


class TestWordLists:
    def test_an_insult_in_english_is_abusive(self) -> None:
        assert [(f.code, f.detail) for f in listed("You are an idiot.")] == [
            ("abusive_language", "en: idiot")
        ]

    def test_an_insult_in_german_is_abusive(self) -> None:
        assert [f.detail for f in listed("Du Vollidiot, lies die Aufgabe!")] == ["de: vollidiot"]

    def test_swearing_only_asks_for_a_hold(self) -> None:
        assert {f.severity for f in listed("This shit compiler hates me")} == {Outcome.HOLD}

    def test_a_phrase_of_several_words_matches_them_in_a_row(self) -> None:
        assert codes(listed("Please just kill yourself")) == {"abusive_language"}
        assert listed("kill the process yourself") == []

    def test_leetspeak_and_stretched_letters_are_read_as_the_word(self) -> None:
        assert [f.detail for f in listed("what an 1d10t")] == ["en: idiot"]
        assert [f.detail for f in listed("stuuuuupid")] == ["en: stupid"]

    def test_words_inside_other_words_never_match(self) -> None:
        assert listed("Scunthorpe classic assessment, Shitake? no: shiitake") == []

    def test_eszett_and_capitals_fold_to_the_listed_spelling(self) -> None:
        assert [f.detail for f in listed("SCHEISSE und Scheiße")] == ["de: scheisse"]

    def test_a_malformed_line_names_its_language_and_line(self) -> None:
        with pytest.raises(ValueError, match="xx word list, line 2"):
            WordList.parse("xx", ["hold darn", "maybe heck"])

    def test_every_bundled_language_has_both_severities(self) -> None:
        assert [lst.language for lst in LISTS] == ["en", "de"]
        for lst in LISTS:
            assert set(lst.terms.values()) == {Outcome.HOLD, Outcome.REJECT}


class TestLinks:
    def test_finds_urls_www_and_bare_domains_but_not_dotted_code(self) -> None:
        text = "See https://docs.python.org/3/ and www.example.com, also bit.ly/x; os.path.join"
        assert link_hosts(text) == ["docs.python.org", "example.com", "bit.ly"]

    def test_an_email_address_is_no_link(self) -> None:
        assert link_hosts("write to ada@example.com") == []

    def test_more_links_than_allowed_hold(self) -> None:
        text = "a.com b.com c.com"
        assert codes(LinkRule(max_links=2).findings(text)) == {"too_many_links"}
        assert LinkRule(max_links=3).findings(text) == []

    def test_a_denied_domain_rejects_even_as_a_subdomain(self) -> None:
        [finding] = LinkRule().findings("free robux at https://x.grabify.link/abc")
        assert (finding.code, finding.severity) == ("denied_link", Outcome.REJECT)

    def test_a_shortened_link_holds(self) -> None:
        assert codes(LinkRule().findings("answer here: bit.ly/3xYz")) == {"shortened_link"}

    def test_a_suspicious_top_level_domain_holds(self) -> None:
        assert codes(LinkRule().findings("https://prizes.xyz/claim")) == {"suspicious_link"}

    def test_an_ordinary_link_is_fine(self) -> None:
        assert LinkRule().findings("the docs: https://docs.python.org/3/library/re.html") == []


class TestSpamPatterns:
    def test_shouting_holds(self) -> None:
        assert codes(spam_findings("WHY DOES NOTHING WORK IN THIS COURSE")) == {"all_caps"}

    def test_a_short_acronym_is_no_shouting(self) -> None:
        assert spam_findings("What is HTTP?") == []

    def test_stretched_characters_hold_but_underlines_do_not(self) -> None:
        assert codes(spam_findings("Helpppppp me!!!!!!")) == {"repeated_characters"}
        assert spam_findings("Result\n------\n======") == []

    def test_a_phone_number_holds(self) -> None:
        assert codes(spam_findings("call me on +49 170 1234567")) == {"phone_number"}

    def test_a_short_number_or_a_year_is_no_phone_number(self) -> None:
        assert spam_findings("Exercise 3.2 from 2024 returns 1234") == []

    def test_an_email_address_holds(self) -> None:
        assert codes(spam_findings("mail me: ada.l@example.org")) == {"email_address"}

    def test_one_sales_phrase_holds_and_two_reject(self) -> None:
        [one] = spam_findings("Buy now while stocks last")
        assert (one.code, one.severity) == ("spam_phrase", Outcome.HOLD)
        [two] = spam_findings("Jetzt kaufen! Hier klicken")
        assert (two.code, two.severity) == ("spam_phrases", Outcome.REJECT)


class TestRepeatedPosts:
    rule = RepeatRule(window=timedelta(minutes=10))
    text = "How do I install the course tools on Windows?"

    def test_the_same_words_within_the_window_reject(self) -> None:
        prior = [PriorPost("how do I install the course tools on windows", NOON)]
        [finding] = self.rule.findings(self.text, NOON + timedelta(minutes=9), prior)
        assert (finding.code, finding.severity) == ("repeated_post", Outcome.REJECT)

    def test_nearly_the_same_words_hold(self) -> None:
        prior = [PriorPost("How do I install the course tools on Windows 11?", NOON)]
        [finding] = self.rule.findings(self.text, NOON + timedelta(minutes=1), prior)
        assert (finding.code, finding.severity) == ("near_repeated_post", Outcome.HOLD)

    def test_a_post_older_than_the_window_does_not_count(self) -> None:
        prior = [PriorPost(self.text, NOON)]
        assert self.rule.findings(self.text, NOON + timedelta(minutes=10, seconds=1), prior) == []

    def test_a_post_at_the_windows_edge_still_counts(self) -> None:
        prior = [PriorPost(self.text, NOON)]
        assert self.rule.findings(self.text, NOON + timedelta(minutes=10), prior) != []

    def test_a_different_question_is_fine(self) -> None:
        prior = [PriorPost("What does lesson 4 expect us to hand in?", NOON)]
        assert self.rule.findings(self.text, NOON, prior) == []

    def test_short_replies_may_repeat(self) -> None:
        assert self.rule.findings("Thanks a lot", NOON, [PriorPost("thanks a lot", NOON)]) == []
        assert self.rule.findings("Thanks!", NOON, [PriorPost("Thanks!", NOON)]) == []


def hold(code: str) -> Finding:
    return Finding(code, code, Outcome.HOLD)


class TestDecisionPolicy:
    def test_no_findings_allow(self) -> None:
        assert decide([]).outcome is Outcome.ALLOW

    def test_one_doubt_holds(self) -> None:
        assert decide([hold("all_caps")]).outcome is Outcome.HOLD

    def test_two_kinds_of_doubt_still_hold(self) -> None:
        assert decide([hold("all_caps"), hold("phone_number")]).outcome is Outcome.HOLD

    def test_three_kinds_of_doubt_reject(self) -> None:
        found = [hold("all_caps"), hold("phone_number"), hold("spam_phrase")]
        assert decide(found).outcome is Outcome.REJECT

    def test_the_same_doubt_twice_counts_once(self) -> None:
        found = [hold("profanity"), Finding("profanity", "other word", Outcome.HOLD)]
        assert decide(found).outcome is Outcome.HOLD

    def test_one_reason_to_reject_rejects_and_every_reason_is_named(self) -> None:
        rejecting = Finding("denied_link", "grabify.link", Outcome.REJECT)
        decision = decide([hold("all_caps"), rejecting])
        assert decision.outcome is Outcome.REJECT
        assert [r.code for r in decision.reasons] == ["all_caps", "denied_link"]

    def test_the_reasons_do_not_depend_on_the_order_rules_ran_in(self) -> None:
        found = [hold("b"), hold("a"), hold("a")]
        assert decide(found) == decide(list(reversed(found)))
