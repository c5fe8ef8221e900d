"""Running several layers: lanes side by side where that shortens the wall time.

Every layer belongs to a lane (``lane`` in layers.toml, default ``main``). Within a lane layers
run one after another in registry order; different lanes run at the same time. The main lane
is the foreground: its output streams live. Another lane runs in a thread with its output kept
in each layer's ``output.log`` and a line when each layer starts and ends.

A run has three phases:

1. **Early lanes** (lanes of concurrent layers: the Rust build and tests, ``rust``) start at
   once; the main lane takes its concurrent layers (the static gates) beside them.
2. **Late lanes** (lanes of suites that are not concurrent: ``chaos``, which holds each fault
   for seconds and leaves most of the CPU idle) start once the early lanes are done; the main
   lane runs beside them only its suites that name the lane in ``beside`` (integration,
   contract, E2E: their checks are outcomes, not latency objectives).
3. The suites that run alone (the rest: latency objectives, bursts on both cores — fuzz, load,
   unit) after every other lane is done.

``--serial`` turns lanes off, so a run can be measured both ways.
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
    late: dict[str, list[Layer]] = field(default_factory=dict)
    foreground_beside: list[Layer] = field(default_factory=list)
    foreground_after: list[Layer] = field(default_factory=list)


def plan(layers: Sequence[Layer], serial: bool = False) -> LanePlan:
    lanes: dict[str, list[Layer]] = {}
    for layer in layers:
        if layer.lane != MAIN_LANE:
            lanes.setdefault(layer.lane, []).append(layer)
    main = [layer for layer in layers if layer.lane == MAIN_LANE]
    if serial or not lanes or not main:
        return LanePlan(foreground_first=list(layers))
    early = {name: members for name, members in lanes.items() if all(m.concurrent for m in members)}
    late = {name: members for name, members in lanes.items() if name not in early}
    suites = [layer for layer in main if not layer.concurrent]
    beside = [layer for layer in suites if late and set(late) <= set(layer.beside)]
    return LanePlan(
        foreground_first=[layer for layer in main if layer.concurrent],
        background=early,
        late=late,
        foreground_beside=beside,
        foreground_after=[layer for layer in suites if layer not in beside],
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

    def start(lanes: dict[str, list[Layer]]) -> list[threading.Thread]:
        threads = [
            threading.Thread(
                target=run_lane, args=(lane, members), name=f"lane-{lane}", daemon=True
            )
            for lane, members in lanes.items()
        ]
        for thread in threads:
            thread.start()
        return threads

    def join(threads: list[threading.Thread], before: str) -> None:
        waiting = [t.name.removeprefix("lane-") for t in threads if t.is_alive()]
        if waiting and before:
            announce(f"waiting for lane(s) {', '.join(waiting)} before {before}")
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    early = start(lane_plan.background)
    for layer in lane_plan.foreground_first:
        results[layer.name] = run(layer, True)
    later = "the suites that run alone"
    join(early, "the late lanes and " + later if lane_plan.late else later)
    late = start(lane_plan.late)
    for layer in lane_plan.foreground_beside:
        results[layer.name] = run(layer, True)
    join(late, later if lane_plan.foreground_after else "")
    for layer in lane_plan.foreground_after:
        results[layer.name] = run(layer, True)
    return [results[layer.name] for layer in layers]
