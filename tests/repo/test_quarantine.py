"""tests/quarantine.toml holds no expired entry and no owner CODEOWNERS does not name (ADR 0017)."""

from datetime import UTC, datetime
from pathlib import Path

from edu.cli.flaky.quarantine import check
from edu.cli.workspace import find_root

ROOT = find_root(Path(__file__).parent)


def test_every_quarantine_entry_is_current_and_owned_by_its_codeowners() -> None:
    # The real date on purpose: an entry must fail the build the day after it expires.
    today = datetime.now(UTC).date()
    problems = check(ROOT, today)
    assert not problems, "\n".join(problems)
