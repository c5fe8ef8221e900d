"""Lanes: the Rust lane beside the static gates, then chaos beside the suites that may run
beside it, then the suites that run alone."""

from __future__ import annotations

import threading
import time

import pytest

from edu.cli.lanes import plan, run_planned
from edu.cli.registry import Layer
from edu.cli.results import LayerResult, LayerStatus


def layer(
    name: str, lane: str = "main", concurrent: bool = True, beside: tuple[str, ...] = ()
) -> Layer:
    return Layer(
        name=name,
        description=name,
        kind="command",
        paths=(),
        args=("true",),
        budget_seconds=10,
        goal_seconds=None,
        triggers=("pr",),
        needs=(),
        lane=lane,
        concurrent=concurrent,
        beside=beside,
    )


LINT, TYPECHECK = layer("lint"), layer("typecheck")
UNIT, E2E = layer("unit", concurrent=False), layer("e2e", concurrent=False)
RUST_LINT, RUST_UNIT = layer("rust-lint", "rust"), layer("rust-unit", "rust")
CHAOS = layer("chaos", "chaos", concurrent=False)
INTEGRATION = layer("integration", concurrent=False, beside=("chaos",))


def result(name: str) -> LayerResult:
    return LayerResult(
        layer=name,
        status=LayerStatus.PASSED,
        exit_code=0,
        duration_seconds=0.0,
        budget_seconds=10,
        goal_seconds=None,
        started_at="",
        command=[],
    )


class TestPlan:
    def test_the_gates_run_beside_the_rust_lane_and_the_suites_after_it(self) -> None:
        laid_out = plan([LINT, UNIT, RUST_LINT, TYPECHECK, RUST_UNIT, E2E])
        assert laid_out.foreground_first == [LINT, TYPECHECK]
        assert laid_out.background == {"rust": [RUST_LINT, RUST_UNIT]}
        assert laid_out.foreground_after == [UNIT, E2E]

    def test_chaos_starts_after_the_rust_lane_beside_the_suites_that_allow_it(self) -> None:
        laid_out = plan([LINT, UNIT, RUST_LINT, INTEGRATION, E2E, CHAOS])
        assert laid_out.foreground_first == [LINT]
        assert laid_out.background == {"rust": [RUST_LINT]}
        assert laid_out.late == {"chaos": [CHAOS]}
        assert laid_out.foreground_beside == [INTEGRATION]
        assert laid_out.foreground_after == [UNIT, E2E]

    def test_without_a_late_lane_a_suite_that_allows_one_runs_alone(self) -> None:
        laid_out = plan([LINT, INTEGRATION, RUST_LINT])
        assert not laid_out.late
        assert not laid_out.foreground_beside
        assert laid_out.foreground_after == [INTEGRATION]

    def test_serial_runs_everything_in_the_order_asked(self) -> None:
        layers = [LINT, UNIT, RUST_LINT, E2E]
        laid_out = plan(layers, serial=True)
        assert laid_out.foreground_first == layers
        assert not laid_out.background
        assert not laid_out.foreground_after

    def test_one_lane_alone_is_just_run_in_order(self) -> None:
        assert plan([RUST_LINT, RUST_UNIT]).foreground_first == [RUST_LINT, RUST_UNIT]
        assert plan([UNIT, LINT]).foreground_first == [UNIT, LINT]


class TestRunPlanned:
    def test_results_keep_the_order_asked_and_the_suites_wait_for_the_rust_lane(self) -> None:
        rust_done = threading.Event()
        seen: dict[str, tuple[bool, bool]] = {}

        def run(chosen: Layer, echo: bool) -> LayerResult:
            if chosen.lane == "rust":
                time.sleep(0.05)
                if chosen is RUST_UNIT:
                    rust_done.set()
            seen[chosen.name] = (echo, rust_done.is_set())
            return result(chosen.name)

        layers = [LINT, UNIT, RUST_LINT, RUST_UNIT, E2E]
        results = run_planned(layers, run, lambda _: None)
        assert [r.layer for r in results] == [layer.name for layer in layers]
        assert seen["unit"] == (True, True), "unit ran while the Rust lane was busy"
        assert seen["e2e"] == (True, True)
        assert seen["rust-lint"][0] is False, "a background lane echoed its output"
        assert seen["lint"][0] is True

    def test_the_gates_overlap_the_rust_lane(self) -> None:
        # Each layer waits there until the other runs too, so they finish only by overlapping:
        # run one after the other, the first would wait out the timeout and break the barrier.
        both_running = threading.Barrier(2, timeout=10)
        finished: list[str] = []

        def run(chosen: Layer, echo: bool) -> LayerResult:
            both_running.wait()
            finished.append(chosen.name)
            return result(chosen.name)

        run_planned([LINT, RUST_LINT], run, lambda _: None)
        assert sorted(finished) == ["lint", "rust-lint"]

    def test_chaos_waits_for_the_rust_lane_and_the_lone_suites_wait_for_chaos(self) -> None:
        rust_done, chaos_done = threading.Event(), threading.Event()
        seen: dict[str, tuple[bool, bool]] = {}
        overlapped = threading.Barrier(2, timeout=10)  # chaos and integration must overlap

        def run(chosen: Layer, echo: bool) -> LayerResult:
            seen[chosen.name] = (rust_done.is_set(), chaos_done.is_set())
            if chosen is RUST_LINT:
                time.sleep(0.05)
                rust_done.set()
            if chosen in (CHAOS, INTEGRATION):
                overlapped.wait()
            if chosen is CHAOS:
                time.sleep(0.05)
                chaos_done.set()
            return result(chosen.name)

        run_planned([LINT, RUST_LINT, INTEGRATION, UNIT, CHAOS], run, lambda _: None)
        assert seen["chaos"] == (True, False), "chaos started beside the Rust lane"
        assert seen["integration"] == (True, False)
        assert seen["unit"] == (True, True), "a suite that runs alone ran beside chaos"

    def test_an_error_in_a_late_lane_reaches_the_caller(self) -> None:
        def run(chosen: Layer, echo: bool) -> LayerResult:
            if chosen is CHAOS:
                raise ValueError("chaostoolkit is missing")
            return result(chosen.name)

        with pytest.raises(ValueError, match="chaostoolkit is missing"):
            run_planned([LINT, CHAOS, INTEGRATION, UNIT], run, lambda _: None)

    def test_an_error_in_a_background_lane_reaches_the_caller(self) -> None:
        def run(chosen: Layer, echo: bool) -> LayerResult:
            if chosen.lane == "rust":
                raise ValueError("cargo is missing")
            return result(chosen.name)

        with pytest.raises(ValueError, match="cargo is missing"):
            run_planned([LINT, RUST_LINT, UNIT], run, lambda _: None)
