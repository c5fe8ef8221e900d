"""`edu load checkout`'s verdict: what the databases kept against what the burst was answered."""

from __future__ import annotations

from typing import Any

from edu.cli.load.checkout import Counts, judge, latency, report_markdown

BALANCED = {"balances_status": 200, "balances": {"balanced": True, "balances": []}}


def _records(unique: int, duplicated: int) -> list[dict[str, Any]]:
    originals = [
        {"key": f"k{n}", "duplicate": False, "status": 201, "payment_id": f"p{n}", "ms": 10.0 + n}
        for n in range(unique)
    ]
    copies = [
        {"key": f"k{n}", "duplicate": True, "status": 200, "payment_id": f"p{n}", "ms": 12.0}
        for n in range(duplicated)
    ]
    return originals + copies


def _counts(unique: int, **changes: Any) -> Counts:
    values: dict[str, Any] = {
        "payments": unique,
        "succeeded": unique,
        "charge_movements": unique,
        "payments_charged_more_than_once": 0,
        "entry_sums": {"EUR": 0},
        "enrolments": unique,
    }
    return Counts(**{**values, **changes})


class TestJudge:
    def test_holds_when_each_key_was_charged_and_enrolled_once(self) -> None:
        verdict = judge(_records(9, 1), _counts(9), BALANCED)
        assert verdict["ok"], verdict["checks"]
        assert verdict["duplicates_answered_same_payment"] == 1
        assert verdict["double_charges"] == 0

    def test_a_duplicate_that_made_its_own_payment_fails(self) -> None:
        records = _records(9, 1)
        records[-1]["payment_id"] = "another"
        verdict = judge(records, _counts(10), BALANCED)
        assert not verdict["ok"]
        assert not verdict["checks"]["distinct payments == unique keys"]
        assert not verdict["checks"]["every duplicate got its original's payment id"]

    def test_a_payment_charged_twice_is_a_double_charge(self) -> None:
        counts = _counts(9, charge_movements=10, payments_charged_more_than_once=1)
        verdict = judge(_records(9, 1), counts, BALANCED)
        assert not verdict["checks"]["one charge movement per payment (0 double charges)"]
        assert verdict["double_charges"] == 1

    def test_an_unbalanced_ledger_or_a_missing_enrolment_fails(self) -> None:
        assert not judge(_records(3, 0), _counts(3, entry_sums={"EUR": 5}), BALANCED)["ok"]
        assert not judge(_records(3, 0), _counts(3, enrolments=2), BALANCED)["ok"]
        refused = {"balances_status": 403, "balances": "forbidden"}
        assert not judge(_records(3, 0), _counts(3), refused)["ok"]

    def test_a_server_error_or_no_answer_fails(self) -> None:
        records = _records(3, 0)
        records[0]["status"] = None
        assert not judge(records, _counts(3), BALANCED)["checks"][
            "no 5xx and no unanswered request"
        ]


class TestLatency:
    def test_reports_throughput_and_nearest_rank_percentiles(self) -> None:
        figures = latency(_records(100, 0), burst_s=2.0)
        assert figures["throughput_rps"] == 50.0
        assert figures["p50_ms"] == 59.0
        assert figures["p99_ms"] == 108.0

    def test_the_report_names_every_check(self) -> None:
        summary = {**judge(_records(3, 0), _counts(3), BALANCED), **latency(_records(3, 0), 1.0)}
        text = report_markdown({**summary, "wall_s": 1.0})
        assert "| one charge movement per payment (0 double charges) | ok |" in text
