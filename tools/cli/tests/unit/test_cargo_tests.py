"""Reading ``cargo test``'s report into JUnit (edu.cli.cargo_tests), for the Rust layers."""

from __future__ import annotations

from pathlib import Path

from edu.cli.cargo_tests import TEST_URL_VARIABLES, RustCase, parse_cargo_test, write_junit
from edu.cli.registry import load_registry
from edu.cli.results import read_junit_cases

REPORT = """\
   Compiling edu-common v0.1.0 (/work/main/libs/rs/common)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 3.10s
     Running unittests src/lib.rs (target/debug/deps/edu_common-2f1e0c8a9b7d6e5f)

running 3 tests
test settings::tests::refuses_a_placeholder ... ok
test problem::tests::hides_the_cause ... FAILED
test health::tests::slow ... ignored

failures:

---- problem::tests::hides_the_cause stdout ----

thread 'problem::tests::hides_the_cause' panicked at libs/rs/common/src/problem.rs:9:5:
assertion failed: leaked hunter2


failures:
    problem::tests::hides_the_cause

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out

     Running tests/shutdown.rs (target/debug/deps/shutdown-0a1b2c3d4e5f6a7b)

running 1 test
test an_in_flight_request_finishes ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out
"""


class TestParseCargoTest:
    def test_reads_every_test_with_its_suite_and_outcome(self) -> None:
        cases = parse_cargo_test(REPORT)
        assert [(c.suite, c.name, c.outcome) for c in cases] == [
            ("edu_common (src/lib.rs)", "settings::tests::refuses_a_placeholder", "passed"),
            ("edu_common (src/lib.rs)", "problem::tests::hides_the_cause", "failed"),
            ("edu_common (src/lib.rs)", "health::tests::slow", "skipped"),
            ("shutdown (tests/shutdown.rs)", "an_in_flight_request_finishes", "passed"),
        ]

    def test_keeps_a_failed_tests_captured_output(self) -> None:
        failed = [c for c in parse_cargo_test(REPORT) if c.outcome == "failed"]
        assert "assertion failed: leaked hunter2" in failed[0].output
        assert "failures:" not in failed[0].output

    def test_a_build_failure_reports_no_tests(self) -> None:
        assert parse_cargo_test("error[E0425]: cannot find value `x`\n") == []


class TestWriteJunit:
    def test_the_runner_reads_back_what_was_written(self, tmp_path: Path) -> None:
        junit = tmp_path / "junit.xml"
        write_junit(junit, "rust-unit", parse_cargo_test(REPORT))
        cases = read_junit_cases(junit)
        assert [c.outcome for c in cases] == ["passed", "failed", "skipped", "passed"]
        assert cases[1].test_id == "edu_common (src/lib.rs)::problem::tests::hides_the_cause"

    def test_a_failure_carries_its_output(self, tmp_path: Path) -> None:
        junit = tmp_path / "junit.xml"
        write_junit(junit, "rust-unit", [RustCase("s", "t", "failed", "panicked at x")])
        assert "panicked at x" in junit.read_text()


class TestReruns:
    def test_a_rerun_runs_exactly_the_failed_names_and_keeps_harness_options(self) -> None:
        from edu.cli.cargo_tests import rerun_args

        assert rerun_args(["--lib", "--", "--nocapture", "filter"], ["m::a", "m::b"]) == [
            "--lib",
            "--",
            "--nocapture",
            "--exact",
            "m::a",
            "m::b",
        ]
        assert rerun_args(["--workspace"], ["m::a"]) == ["--workspace", "--", "--exact", "m::a"]

    def test_a_failure_that_passes_on_rerun_is_a_flip_and_ends_passed(self) -> None:
        from edu.cli.cargo_tests import RustCase, rerun_failures

        first = [
            RustCase("crate (src/lib.rs)", "m::flaky", "failed"),
            RustCase("crate (src/lib.rs)", "m::ok", "passed"),
        ]
        asked: list[list[str]] = []

        def run_again(names: list[str]) -> list[RustCase]:
            asked.append(names)
            return [
                RustCase("crate (src/lib.rs)", "m::flaky", "passed"),
                RustCase("other (src/lib.rs)", "m::flaky", "failed"),  # same name, other crate
            ]

        cases, attempts = rerun_failures(first, 2, run_again)
        assert asked == [["m::flaky"]]
        assert {(c.name, c.outcome) for c in cases} == {("m::flaky", "passed"), ("m::ok", "passed")}
        assert [(a.test_id, a.outcome, a.attempt) for a in attempts] == [
            ("crate (src/lib.rs)::m::flaky", "failed", 1),
            ("crate (src/lib.rs)::m::ok", "passed", 1),
            ("crate (src/lib.rs)::m::flaky", "passed", 2),
        ]

    def test_a_test_that_keeps_failing_is_rerun_each_time_and_stays_failed(self) -> None:
        from edu.cli.cargo_tests import RustCase, rerun_failures

        first = [RustCase("c", "m::broken", "failed")]
        cases, attempts = rerun_failures(
            first, 2, lambda names: [RustCase("c", "m::broken", "failed")]
        )
        assert [c.outcome for c in cases] == ["failed"]
        assert [a.attempt for a in attempts] == [1, 2, 3]


class TestServersForTheRustTests:
    def test_every_server_a_cargo_layer_needs_reaches_the_tests_by_a_variable(self) -> None:
        # A need without a variable would start a server the Rust tests never hear of.
        registry = load_registry(Path(__file__).parents[4] / "layers.toml")
        needed = {n for layer in registry.layers if layer.kind == "cargo" for n in layer.needs}
        assert "s3" in needed
        assert needed <= TEST_URL_VARIABLES.keys()
        assert TEST_URL_VARIABLES["s3"] == "EDU_TEST_S3_URL"  # libs/rs/testing's Backend::S3
