"""tests/quarantine.toml: parsing, expiry and the owner that CODEOWNERS gives (ADR 0017)."""

from datetime import date
from pathlib import Path

import pytest

from edu.cli.flaky.quarantine import (
    QuarantineError,
    active,
    check,
    owners_of,
    parse,
    parse_codeowners,
    problems,
)

CODEOWNERS = """
/services/py/course/   @org/learning   # the course team
/tools/cli/            @org/platform @org/quality
/libs/rs/common/       @org/platform
"""
ENTRY = """
[[quarantine]]
test = "services/py/course/tests/unit/test_x.py::TestY::test_z"
owner = "@org/learning"
reason = "depends on dict order of a shared fixture"
date = 2026-03-01
expires = 2026-03-31
"""
RULES = parse_codeowners(CODEOWNERS)
EXISTS = {"services/py/course/tests/unit/test_x.py": True}


class TestParsing:
    def test_an_entry_has_its_test_owner_reason_dates_and_path(self) -> None:
        [entry] = parse(ENTRY)
        assert entry.test == "services/py/course/tests/unit/test_x.py::TestY::test_z"
        assert (entry.owner, entry.since, entry.expires) == (
            "@org/learning",
            date(2026, 3, 1),
            date(2026, 3, 31),
        )
        assert entry.path == "services/py/course/tests/unit/test_x.py"

    def test_an_empty_file_quarantines_nothing(self) -> None:
        assert parse("# nothing\n") == []

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (('owner = "@org/learning"', ""), "owner must be a non-empty string"),
            (("expires = 2026-03-31", 'expires = "soon"'), "expires must be a TOML date"),
            (("reason =", 'ticket = "1"\nreason ='), "unknown field(s) ticket"),
        ],
    )
    def test_a_malformed_entry_is_named(self, change: tuple[str, str], message: str) -> None:
        with pytest.raises(QuarantineError, match=r"entry 1 \(services/py/course") as caught:
            parse(ENTRY.replace(*change))
        assert message in str(caught.value)

    def test_a_rust_test_names_its_crate_folder(self) -> None:
        [entry] = parse(
            ENTRY.replace(
                'test = "services/py/course/tests/unit/test_x.py::TestY::test_z"',
                'test = "edu_common (src/lib.rs)::clock::tests::ticks"\npath = "libs/rs/common"',
            )
        )
        assert entry.path == "libs/rs/common"


class TestCodeowners:
    def test_the_last_matching_rule_wins(self) -> None:
        rules = parse_codeowners("/services/ @org/all\n/services/py/course/ @org/learning\n")
        assert owners_of("services/py/course/tests/test_a.py", rules) == ("@org/learning",)
        assert owners_of("services/py/identity/x.py", rules) == ("@org/all",)
        assert owners_of("docs/x.md", rules) == ()


class TestProblems:
    def test_a_valid_entry_has_none_and_is_active(self) -> None:
        entries = parse(ENTRY)
        assert problems(entries, date(2026, 3, 31), RULES, EXISTS) == []
        assert active(entries, date(2026, 3, 31)) == {entries[0].test}

    def test_an_expired_entry_is_a_problem_naming_it_and_forgives_nothing(self) -> None:
        entries = parse(ENTRY)
        [problem] = problems(entries, date(2026, 4, 1), RULES, EXISTS)
        assert problem.startswith(
            "quarantine entry 'services/py/course/tests/unit/test_x.py::TestY::test_z' "
            "(owner @org/learning) expired on 2026-03-31"
        )
        assert active(entries, date(2026, 4, 1)) == set()

    def test_an_owner_codeowners_does_not_name_is_a_problem(self) -> None:
        entries = parse(ENTRY.replace("@org/learning", "@org/quality"))
        [problem] = problems(entries, date(2026, 3, 2), RULES, EXISTS)
        assert "CODEOWNERS gives services/py/course/tests/unit/test_x.py to @org/learning" in (
            problem
        )

    def test_a_missing_file_and_an_overlong_quarantine_are_problems(self) -> None:
        entries = parse(ENTRY.replace("2026-03-31", "2026-12-31"))
        found = problems(entries, date(2026, 3, 2), RULES, {})
        assert any("more than 90 days" in p for p in found)
        assert any("no file or folder" in p for p in found)

    def test_check_reads_the_repository_files(self, tmp_path: Path) -> None:
        (tmp_path / ".github").mkdir()
        (tmp_path / ".github" / "CODEOWNERS").write_text(CODEOWNERS)
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "quarantine.toml").write_text(ENTRY)
        test_file = tmp_path / "services/py/course/tests/unit/test_x.py"
        test_file.parent.mkdir(parents=True)
        test_file.write_text("")
        assert check(tmp_path, date(2026, 3, 2)) == []
        assert len(check(tmp_path, date(2026, 4, 2))) == 1
