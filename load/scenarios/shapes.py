"""Load shapes for the weekly profiles, chosen by ``EDU_LOAD_SHAPE`` (`edu load` sets it).

Users think for a random while between tasks (about a second for a visitor), so the offered
request rate grows with the user count and a shape is a schedule of offered rates:

- ``ramp``: linearly from 0 to ``EDU_LOAD_MAX_USERS`` over ``EDU_LOAD_RAMP_SECONDS``;
- ``step``: ``EDU_LOAD_STEP_USERS`` more users every ``EDU_LOAD_STEP_SECONDS``, for
  ``EDU_LOAD_STEPS`` steps; each step is a plateau long enough to read p95 and req/s on, and
  the step after which latency or errors break the SLO is the knee.

The soak profile needs no shape: a constant user count for a long time.
"""

from __future__ import annotations

import os

from locust import LoadTestShape


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(f"EDU_LOAD_{name}", default))


class RampShape(LoadTestShape):
    abstract = False

    def tick(self) -> tuple[int, float] | None:
        duration, top = _setting("RAMP_SECONDS", 300), _setting("MAX_USERS", 100)
        elapsed = self.get_run_time()  # type: ignore[no-untyped-call]  # unannotated in Locust
        if elapsed > duration:
            return None
        return max(1, round(top * elapsed / duration)), float(max(1, top // 10))


class StepShape(LoadTestShape):
    abstract = False

    def tick(self) -> tuple[int, float] | None:
        users, seconds, steps = (
            _setting("STEP_USERS", 10),
            _setting("STEP_SECONDS", 30),
            _setting("STEPS", 10),
        )
        elapsed = self.get_run_time()  # type: ignore[no-untyped-call]  # unannotated in Locust
        step = int(elapsed // seconds)
        if step >= steps:
            return None
        return users * (step + 1), float(users)


def shape_from_environment() -> type[LoadTestShape] | None:
    chosen = os.environ.get("EDU_LOAD_SHAPE", "")
    shapes: dict[str, type[LoadTestShape]] = {"ramp": RampShape, "step": StepShape}
    if chosen and chosen not in shapes:
        raise RuntimeError(f"EDU_LOAD_SHAPE={chosen!r}: use one of {', '.join(shapes)}")
    return shapes.get(chosen)
