"""The labelled sample (src/edu/moderation/sample/labelled-sample.jsonl) and the precision/recall command.

The floors are the figures the service README records, rounded down: a rule change that makes
moderation worse on the sample fails here; one that makes it better raises them."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.moderator import Moderator
from edu.moderation.evaluate import SAMPLE, ClassFigures, figures, load, main, score

PRECISION_FLOORS = {Outcome.ALLOW: 0.90, Outcome.HOLD: 0.90, Outcome.REJECT: 0.95}
RECALL_FLOORS = {Outcome.ALLOW: 0.95, Outcome.HOLD: 0.85, Outcome.REJECT: 0.85}


@pytest.fixture(scope="module")
def per_decision(moderator: Moderator) -> dict[Outcome, ClassFigures]:
    return {f.outcome: f for f in figures(score(load(SAMPLE), moderator))}


class TestTheSample:
    def test_has_at_least_a_hundred_items_in_several_languages_with_every_label(self) -> None:
        samples = load(SAMPLE)
        assert len(samples) >= 100
        assert len({s.id for s in samples}) == len(samples)
        languages = Counter(s.language for s in samples)
        assert languages["en"] > 0
        assert languages["de"] > 0
        assert {s.label for s in samples} == set(Outcome)

    def test_each_authors_items_are_in_time_order(self) -> None:
        last: dict[str, datetime] = {}
        for sample in load(SAMPLE):
            assert last.setdefault(sample.author, sample.at) <= sample.at
            last[sample.author] = sample.at


class TestFigures:
    @pytest.mark.parametrize("outcome", list(Outcome), ids=str)
    def test_precision_stays_above_its_floor(
        self, per_decision: dict[Outcome, ClassFigures], outcome: Outcome
    ) -> None:
        precision = per_decision[outcome].precision
        assert precision is not None
        assert precision >= PRECISION_FLOORS[outcome]

    @pytest.mark.parametrize("outcome", list(Outcome), ids=str)
    def test_recall_stays_above_its_floor(
        self, per_decision: dict[Outcome, ClassFigures], outcome: Outcome
    ) -> None:
        recall = per_decision[outcome].recall
        assert recall is not None
        assert recall >= RECALL_FLOORS[outcome]

    def test_the_command_prints_the_table_and_the_mistakes(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["--mistakes"]) == 0
        out = capsys.readouterr().out
        assert "| reject |" in out
        assert "mistakes:" in out
