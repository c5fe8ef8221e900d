"""Running several layers: lanes side by side where that shortens the wall time.

Every layer belongs to a lane (``lane`` in layers.toml, default ``main``). Within a lane layers
run one after another in registry order; different lanes run at the same time. The main lane
is the foreground: its output streams live. Another lane (the Rust build and tests, ``rust``)
runs in a thread with its output kept in each layer's ``output.log`` and a line when each layer
starts and ends. Layers that are not ``concurrent`` (the test suites whose wall time or timing
checks a busy CPU would disturb: unit, integration, E2E, load, chaos...) wait until every other
lane is done, and while other lanes run the main lane takes its concurrent layers (the static
gates) first. The time table lists the layers in the order they were asked for, as before.

On 2 cores the gain is the overlap of the static gates' idle and single-core time with the Rust
build; `--serial` turns lanes off, so a run can be measured both ways.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from edu.cli.registry import MAIN_LANE, Layer
from edu.cli.results import LayerResult

RunLayer = Callable[[Layer, bool], LayerResult]  # (layer, echo its output live) -> result
Announce = Callable[[str], None]


@dataclass
class LanePlan:
    """Which layers run in the foreground before and after the other lanes, and which beside."""

    foreground_first: list[Layer] = field(default_factory=list)
    background: dict[str, list[Layer]] = field(default_factory=dict)
    foreground_after: list[Layer] = field(default_factory=list)


def plan(layers: Sequence[Layer], serial: bool = False) -> LanePlan:
    background: dict[str, list[Layer]] = {}
    for layer in layers:
        if layer.lane != MAIN_LANE:
            background.setdefault(layer.lane, []).append(layer)
    main = [layer for layer in layers if layer.lane == MAIN_LANE]
    if serial or not background or not main:
        return LanePlan(foreground_first=list(layers))
    return LanePlan(
        foreground_first=[layer for layer in main if layer.concurrent],
        background=background,
        foreground_after=[layer for layer in main if not layer.concurrent],
    )


def run_planned(
    layers: Sequence[Layer], run: RunLayer, announce: Announce, serial: bool = False
) -> list[LayerResult]:
    """Run ``layers`` by lanes; results in the order of ``layers``."""
    lane_plan = plan(layers, serial)
    results: dict[str, LayerResult] = {}
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run_lane(lane: str, members: list[Layer]) -> None:
        for layer in members:
            announce(
                f"[{lane}] {layer.name} started (output: .edu/results/{layer.name}/output.log)"
            )
            try:
                result = run(layer, False)
            except BaseException as exc:  # reported in the foreground after the join
                with lock:
                    failures.append(exc)
                return
            with lock:
                results[layer.name] = result

    threads = [
        threading.Thread(target=run_lane, args=(lane, members), name=f"lane-{lane}", daemon=True)
        for lane, members in lane_plan.background.items()
    ]
    for thread in threads:
        thread.start()
    for layer in lane_plan.foreground_first:
        results[layer.name] = run(layer, True)
    if threads:
        waiting = [t.name.removeprefix("lane-") for t in threads if t.is_alive()]
        if waiting and lane_plan.foreground_after:
            announce(f"waiting for lane(s) {', '.join(waiting)} before the suites that run alone")
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    for layer in lane_plan.foreground_after:
        results[layer.name] = run(layer, True)
    return [results[layer.name] for layer in layers]
