"""The proof that every payment's confirming webhook is held at the engine's failpoint is read
from the engine's log, whichever format it writes."""

from __future__ import annotations

from edu.chaos.checkout import _held

PAYMENT = "0c980d5c-4953-4046-8937-c55978dfe345"
OTHER = "58f388a1-df6d-4735-b5db-0e9c1aa7686f"


class TestHeldAtTheFailpoint:
    def test_reads_the_payment_ids_of_console_lines_with_colours(self) -> None:
        line = (
            "\x1b[2m2026-12-05T13:10:54Z\x1b[0m \x1b[33m WARN\x1b[0m store\x1b[2m:\x1b[0m "
            "failpoint webhook-before-commit: holding the applied webhook's transaction "
            f"\x1b[3mpayment_id\x1b[0m\x1b[2m=\x1b[0m{PAYMENT} \x1b[3mevent_id\x1b[0m=evt_1"
        )
        assert _held(line) == {PAYMENT}

    def test_reads_json_lines(self) -> None:
        line = (
            '{"level":"WARN","fields":{"message":"failpoint webhook-before-commit: holding",'
            f'"payment_id":"{OTHER}"}}}}'
        )
        assert _held(line) == {OTHER}

    def test_ignores_other_lines_naming_a_payment(self) -> None:
        assert _held(f"webhook applied payment_id={PAYMENT}\n") == set()
