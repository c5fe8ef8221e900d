"""How hard the fuzzer tries: the pull-request profile and the nightly one.

``pr`` is derandomised: a fixed seed and a bounded number of examples, so the same code gets the
same requests, a failure reproduces by running the layer again, and the layer fits its budget.
``nightly`` draws a new seed each run and tries many more examples and longer sequences; it
prints and records its seed, and ``EDU_FUZZ_SEED=<seed>`` replays that exact run.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace

PROFILE_VARIABLE = "EDU_FUZZ_PROFILE"
SEED_VARIABLE = "EDU_FUZZ_SEED"
PR_SEED = 20261127


class UnknownProfile(ValueError):
    """EDU_FUZZ_PROFILE names no profile; the message lists the known ones."""


@dataclass(frozen=True)
class Profile:
    name: str
    seed: int
    deterministic: bool  # Hypothesis derandomize: the seed alone decides every example
    max_examples: int  # per operation, fuzzing phase (examples and coverage are exhaustive)
    stateful_examples: int  # sequences per state machine
    stateful_steps: int  # most calls in one sequence

    def describe(self) -> str:
        return (
            f"profile {self.name}: seed {self.seed} ({'fixed' if self.deterministic else 'random'}), "
            f"{self.max_examples} examples per operation, {self.stateful_examples} sequences of "
            f"up to {self.stateful_steps} calls per state machine; "
            f"replay with {PROFILE_VARIABLE}={self.name} {SEED_VARIABLE}={self.seed}"
        )


# pr: the coverage phase already walks every boundary and wrong type deterministically; 8 drawn
# examples per operation on top keep the layer near its goal on two loaded cores.
PR = Profile("pr", PR_SEED, True, max_examples=8, stateful_examples=12, stateful_steps=8)
NIGHTLY = Profile("nightly", 0, False, max_examples=150, stateful_examples=120, stateful_steps=20)
PROFILES = {p.name: p for p in (PR, NIGHTLY)}


def profile_from_environment(environ: Mapping[str, str]) -> Profile:
    """The profile EDU_FUZZ_PROFILE names (default ``pr``), with EDU_FUZZ_SEED applied."""
    name = environ.get(PROFILE_VARIABLE, "").strip() or PR.name
    if name not in PROFILES:
        raise UnknownProfile(
            f"{PROFILE_VARIABLE}={name!r} names no fuzzing profile; use one of {', '.join(PROFILES)}"
        )
    profile = PROFILES[name]
    given = environ.get(SEED_VARIABLE, "").strip()
    if given:
        try:
            return replace(profile, seed=int(given))
        except ValueError:
            raise UnknownProfile(f"{SEED_VARIABLE}={given!r} is not an integer seed") from None
    if not profile.deterministic:
        return replace(profile, seed=secrets.randbits(64))
    return profile
