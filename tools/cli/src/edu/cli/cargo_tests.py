"""``python -m edu.cli.cargo_tests``: the runner behind every ``kind = "cargo"`` layer.

It starts the servers the layer ``needs`` the way the pytest plugin does (an ``EDU_*_URL`` you
set, a Docker container, or the embedded default: ``edu.testing.run_backends``), hands them to
the Rust tests as ``EDU_TEST_DATABASE_URL`` / ``EDU_TEST_NATS_URL`` / ``EDU_TEST_REDIS_URL`` /
``EDU_TEST_S3_URL`` (read by libs/rs/testing), runs ``cargo test``, and turns its report into JUnit XML: one case per
Rust test, failures with their captured output, so Rust results read like every other layer's in
``.edu/results`` and ``edu report``. No cargo-nextest: it compiles for minutes on 2 cores and
stable ``cargo test`` prints everything we need. With ``--reruns N`` (the nightly pipeline) the
failed tests run again by name (``-- --exact``), up to N times; every attempt goes to the
attempts file (``EDU_ATTEMPTS_FILE``), so a test that fails and then passes is recorded as a
flip (ADR 0017).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.flaky.attempts import ENVIRONMENT_VARIABLE as ATTEMPTS_VARIABLE
from edu.cli.flaky.attempts import write_attempts
from edu.cli.flaky.history import Attempt

NO_TESTS_EXIT = 5  # pytest's "no tests collected", so both kinds report NO_TESTS alike
TEST_URL_VARIABLES = {
    "postgres": "EDU_TEST_DATABASE_URL",
    "nats": "EDU_TEST_NATS_URL",
    "redis": "EDU_TEST_REDIS_URL",
    "s3": "EDU_TEST_S3_URL",
}
_RUNNING = re.compile(r"^\s*Running (?:unittests )?(?P<source>\S+)(?: \((?P<binary>[^)]+)\))?")
_DOCTESTS = re.compile(r"^\s*Doc-tests (?P<crate>\S+)")
_RESULT = re.compile(r"^test (?P<name>.+?) \.\.\. (?P<outcome>ok|FAILED|ignored)")
_CAPTURE = re.compile(r"^---- (?P<name>.+?) stdout ----$")


@dataclass(frozen=True)
class RustCase:
    suite: str
    name: str
    outcome: str  # "passed", "failed", "skipped"
    output: str = ""


def _suite_name(source: str, binary: str | None) -> str:
    """``edu_common (src/lib.rs)``: the crate from the binary's file name and the target."""
    crate = Path(binary).name.rsplit("-", 1)[0] if binary else source
    return f"{crate} ({source})" if binary else crate


def parse_cargo_test(text: str) -> list[RustCase]:
    """Every test ``cargo test`` reported, with the captured output of the failed ones."""
    suite = "cargo"
    found: list[tuple[str, str, str]] = []
    captured: dict[tuple[str, str], list[str]] = {}
    capturing: tuple[str, str] | None = None
    for line in text.splitlines():
        if running := _RUNNING.match(line):
            suite, capturing = _suite_name(running["source"], running["binary"]), None
        elif doctests := _DOCTESTS.match(line):
            suite, capturing = f"{doctests['crate']} (doc-tests)", None
        elif result := _RESULT.match(line):
            outcome = {"ok": "passed", "FAILED": "failed", "ignored": "skipped"}[result["outcome"]]
            found.append((suite, result["name"], outcome))
        elif capture := _CAPTURE.match(line):
            capturing = (suite, capture["name"])
            captured[capturing] = []
        elif line.startswith(("failures:", "test result:")):
            capturing = None
        elif capturing is not None:
            captured[capturing].append(line)
    return [
        RustCase(suite, name, outcome, "\n".join(captured.get((suite, name), [])).strip())
        for suite, name, outcome in found
    ]


def write_junit(path: Path, layer: str, cases: Sequence[RustCase]) -> None:
    suites = ET.Element("testsuites", name=layer)
    for suite_name in dict.fromkeys(case.suite for case in cases):
        members = [case for case in cases if case.suite == suite_name]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=suite_name,
            tests=str(len(members)),
            failures=str(sum(case.outcome == "failed" for case in members)),
            errors="0",
            skipped=str(sum(case.outcome == "skipped" for case in members)),
        )
        for case in members:
            element = ET.SubElement(
                suite, "testcase", classname=suite_name, name=case.name, time="0"
            )
            if case.outcome == "failed":
                ET.SubElement(element, "failure", message="test failed").text = case.output
            elif case.outcome == "skipped":
                ET.SubElement(element, "skipped", message="#[ignore]")
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def _run_cargo(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[int, str]:
    """Runs cargo, passing its output through while keeping a copy to parse."""
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    return process.wait(), "".join(lines)


def case_id(case: RustCase) -> str:
    """The id JUnit readers build from this case (``classname::name``)."""
    return f"{case.suite}::{case.name}"


def rerun_args(cargo_args: Sequence[str], names: Sequence[str]) -> list[str]:
    """``cargo test`` arguments that run exactly the named tests (the harness's filters go)."""
    args = list(cargo_args)
    before, harness = (
        (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    )
    kept = [arg for arg in harness if arg.startswith("-") and arg != "--exact"]
    return [*before, "--", *kept, "--exact", *names]


def rerun_failures(
    cases: list[RustCase],
    reruns: int,
    run_again: Callable[[list[str]], list[RustCase]],
) -> tuple[list[RustCase], list[Attempt]]:
    """Rerun the failed cases by name up to ``reruns`` times: the final cases and every attempt."""
    attempts = [Attempt(case_id(c), c.outcome) for c in cases]
    final = {(c.suite, c.name): c for c in cases}
    for attempt in range(2, reruns + 2):
        failed = [c for c in final.values() if c.outcome == "failed"]
        if not failed:
            break
        wanted = {(c.suite, c.name) for c in failed}
        for case in run_again(sorted({c.name for c in failed})):
            if (case.suite, case.name) in wanted:
                final[(case.suite, case.name)] = case
                attempts.append(Attempt(case_id(case), case.outcome, attempt))
                wanted.discard((case.suite, case.name))
        for suite, name in wanted:  # not reported again: still failed
            attempts.append(Attempt(f"{suite}::{name}", "failed", attempt))
    return list(final.values()), attempts


def run(
    junit: Path, layer: str, needs: Sequence[str], cargo_args: Sequence[str], reruns: int = 0
) -> int:
    env = dict(os.environ)
    servers = None
    if needs:
        from edu.infra.components import Component, component_named
        from edu.infra.launched import LaunchedServer
        from edu.testing.run_backends import start_test_server
        from edu.testing.run_servers import RunServers, new_run_dir

        servers = RunServers(new_run_dir())
        for name in needs:
            component = component_named(name)

            def start(workdir: Path, component: Component = component) -> LaunchedServer:
                return start_test_server(component, workdir)

            server = servers.get_or_start(name, start)
            env[TEST_URL_VARIABLES[name]] = server.url
            print(f"{name} for the Rust tests: {server.backend} at {server.url}", flush=True)
    try:
        exit_code, output = _run_cargo(["cargo", "test", *cargo_args], env, Path.cwd())
        cases = parse_cargo_test(output)
        attempts = [Attempt(case_id(c), c.outcome) for c in cases]
        if exit_code != 0 and reruns and any(c.outcome == "failed" for c in cases):

            def run_again(names: list[str]) -> list[RustCase]:
                print(f"rerunning {len(names)} failed test(s) by name", flush=True)
                _, again = _run_cargo(
                    ["cargo", "test", *rerun_args(cargo_args, names)], env, Path.cwd()
                )
                return parse_cargo_test(again)

            cases, attempts = rerun_failures(cases, reruns, run_again)
            if not any(c.outcome == "failed" for c in cases):
                exit_code = 0  # every failure passed on a rerun: flaky, listed by the runner
    finally:
        if servers is not None:
            servers.stop_all()
    write_junit(junit, layer, cases)
    if target := os.environ.get(ATTEMPTS_VARIABLE):
        write_attempts(Path(target), attempts)
    if exit_code == 0 and not cases:
        print("cargo test ran no tests", flush=True)
        return NO_TESTS_EXIT
    return exit_code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.cli.cargo_tests")
    parser.add_argument("--junit", type=Path, required=True)
    parser.add_argument("--layer", required=True)
    parser.add_argument("--needs", default="", help="comma-separated: postgres,nats,redis,s3")
    parser.add_argument("--reruns", type=int, default=0, help="rerun failed tests up to N times")
    parser.add_argument("cargo_args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    needs = [name for name in options.needs.split(",") if name]
    cargo_args = list(options.cargo_args)
    if cargo_args[:1] == ["--"]:
        cargo_args = cargo_args[1:]
    return run(options.junit, options.layer, needs, cargo_args, options.reruns)


if __name__ == "__main__":
    sys.exit(main())
