"""The staging chaos experiments (chaos/k8s/*.json) are well formed and call what exists.

They run once a month against the staging cluster with chaostoolkit-kubernetes (``chaosk8s``),
which needs that cluster. So they are checked offline: chaostoolkit's own validation with
chaosk8s's activities (stubbed from recorded signatures wherever the package is not installed),
every placeholder configured and typed right after substitution, the local experiment's
hypothesis kept, every fault bracketed by a proof and undone by a rollback, and a staging
variant (or a stated reason) for every local experiment. A staging variant is named after the
local experiment it mirrors.

Here, what every module reads an experiment with: ``path`` (each staging experiment in turn)
and the helpers, handed out as fixtures (test modules cannot import each other).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edu.cli.workspace import find_root

EXPERIMENTS = sorted((find_root(Path(__file__).parent) / "chaos" / "k8s").glob("*.json"))

Experiment = dict[str, Any]


@pytest.fixture(scope="session")
def experiments() -> list[Path]:
    """Every staging experiment file."""
    return EXPERIMENTS


@pytest.fixture(params=EXPERIMENTS, ids=lambda p: p.stem)
def path(request: pytest.FixtureRequest) -> Path:
    """Each staging experiment file in turn: a test that takes it runs once per experiment."""
    found: Path = request.param
    return found


def load_experiment(path: Path) -> Experiment:
    data = json.loads(path.read_text())
    assert isinstance(data, dict), f"{path.name} is not a JSON object"
    return data


def all_activities(experiment: Experiment) -> Iterator[dict[str, Any]]:
    """Every activity: hypothesis probes and their probe tolerances, method, rollbacks."""
    for probe in experiment.get("steady-state-hypothesis", {}).get("probes", []):
        yield probe
        tolerance = probe.get("tolerance")
        if isinstance(tolerance, dict) and tolerance.get("type") == "probe":
            yield tolerance
    yield from experiment.get("method", [])
    yield from experiment.get("rollbacks", [])


def python_providers_of(experiment: Experiment) -> list[tuple[str, dict[str, Any]]]:
    return [
        (activity["name"], activity["provider"])
        for activity in all_activities(experiment)
        if activity.get("provider", {}).get("type") == "python"
    ]


def provider_is_k8s(provider: dict[str, Any]) -> bool:
    return str(provider.get("module", "")).split(".")[0] == "chaosk8s"


def environment_for(experiment: Experiment) -> dict[str, str]:
    """A value for every environment variable the experiment reads without a default."""
    entries = list(experiment.get("configuration", {}).values())
    for group in experiment.get("secrets", {}).values():
        entries += list(group.values())
    values = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("type") == "env" and "default" not in entry:
            key = str(entry["key"])
            if entry.get("env_var_type") in ("int", "integer"):
                values[key] = "3"
            elif key.endswith("_URL"):
                values[key] = f"http://{key.lower()}.staging.invalid"
            else:
                values[key] = "20260101t120000"
    return values


@pytest.fixture(scope="session")
def load() -> Callable[[Path], Experiment]:
    """The experiment file as a JSON object."""
    return load_experiment


@pytest.fixture(scope="session")
def activities() -> Callable[[Experiment], Iterator[dict[str, Any]]]:
    return all_activities


@pytest.fixture(scope="session")
def python_providers() -> Callable[[Experiment], list[tuple[str, dict[str, Any]]]]:
    """(name, provider) of every activity with a python provider."""
    return python_providers_of


@pytest.fixture(scope="session")
def is_k8s() -> Callable[[dict[str, Any]], bool]:
    """Whether a provider is one of chaosk8s's activities."""
    return provider_is_k8s


@pytest.fixture(scope="session")
def sample_environment() -> Callable[[Experiment], dict[str, str]]:
    return environment_for
