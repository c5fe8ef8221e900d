"""The staging experiments mirror the local ones and are complete once configured.

Each has a local twin (or a stated reason for none) whose hypothesis it keeps, the structure
chaostoolkit needs, a setting for every placeholder, and after substitution the arguments the
Kubernetes API takes.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edu.cli.workspace import find_root

ROOT = find_root(Path(__file__).parent)
K8S = ROOT / "chaos" / "k8s"
LOCAL = ROOT / "chaos" / "experiments"
README = K8S / "README.md"
SERVICES = ("identity", "course", "enrollment", "notifications")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Arguments the Kubernetes API takes as integers: a "${var}" must still be one after substitution.
INTEGER_ARGUMENTS = {"replicas", "timeout", "qty", "grace_period"}

Experiment = dict[str, Any]
Activities = Callable[[Experiment], Iterator[dict[str, Any]]]
Load = Callable[[Path], Experiment]


def substituted(
    experiment: dict[str, Any], environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The experiment's activities as chaostoolkit runs them: placeholders replaced, the
    environment variables it reads set to ``environment``."""
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    chaoslib = importlib.import_module("chaoslib")
    configuration = importlib.import_module("chaoslib.configuration").load_configuration(
        experiment.get("configuration", {})
    )
    secrets = importlib.import_module("chaoslib.secret").load_secrets(
        experiment.get("secrets", {}), configuration
    )
    body = {k: v for k, v in experiment.items() if k not in ("configuration", "secrets")}
    result = chaoslib.substitute(body, configuration, secrets)
    assert isinstance(result, dict)
    return result


def test_there_are_staging_experiments(experiments: list[Path]) -> None:
    assert len(experiments) >= 4, experiments


def test_every_local_experiment_has_a_staging_variant_or_a_reason() -> None:
    """A local experiment without chaos/k8s/<same name>.json needs a README line that names it
    and says "no staging variant" and why."""
    readme = README.read_text()
    locals_ = sorted(LOCAL.glob("*.json"))
    assert locals_, "no local experiments found"
    unexplained = [
        local.stem
        for local in locals_
        if not (K8S / local.name).is_file()
        and not any(
            local.stem in line and "no staging variant" in line.lower()
            for line in readme.splitlines()
        )
    ]
    assert not unexplained, f"no staging variant and no reason in {README.name}: {unexplained}"


def test_structure(path: Path, load: Load, activities: Activities) -> None:
    experiment = load(path)
    for key in ("title", "description"):
        assert isinstance(experiment.get(key), str), f"no {key}"
        assert experiment[key].strip(), f"an empty {key}"
    probes = experiment.get("steady-state-hypothesis", {}).get("probes", [])
    assert probes, "the steady-state hypothesis has no probes"
    untolerant = [p.get("name") for p in probes if "tolerance" not in p]
    assert not untolerant, f"hypothesis probes without a tolerance: {untolerant}"
    method = experiment.get("method", [])
    assert any(a.get("type") == "action" for a in method), "the method has no action"
    assert experiment.get("rollbacks"), "no rollbacks: a staging fault must always be undone"
    unnamed = [
        a for a in activities(experiment) if not isinstance(a.get("name"), str) or not a["name"]
    ]
    assert not unnamed, f"activities without a name: {unnamed}"


def test_every_placeholder_is_configured_and_every_setting_used(path: Path, load: Load) -> None:
    experiment = load(path)
    body = {k: v for k, v in experiment.items() if k not in ("configuration", "secrets")}
    used = set(PLACEHOLDER.findall(json.dumps(body)))
    configured = set(experiment.get("configuration", {}))
    assert not used - configured, f"placeholders with no configuration: {sorted(used - configured)}"
    assert not configured - used, f"configuration nothing uses: {sorted(configured - used)}"


def test_after_substitution_the_arguments_are_what_kubernetes_takes(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    load: Load,
    activities: Activities,
    sample_environment: Callable[[Experiment], dict[str, str]],
    is_k8s: Callable[[dict[str, Any]], bool],
) -> None:
    loaded = load(path)
    experiment = substituted(loaded, sample_environment(loaded), monkeypatch)
    left = sorted(set(PLACEHOLDER.findall(json.dumps(experiment))))
    assert not left, f"placeholders left after substitution: {left}"
    for activity in activities(experiment):
        provider = activity.get("provider", {})
        if provider.get("type") == "http":
            assert str(provider["url"]).startswith("http"), provider["url"]
        if not is_k8s(provider):
            continue
        arguments = provider.get("arguments", {})
        for key in INTEGER_ARGUMENTS & set(arguments):
            assert type(arguments[key]) is int, f"{activity['name']}: {key} is {arguments[key]!r}"
        resource = arguments.get("resource")
        if isinstance(resource, dict):
            metadata = resource["metadata"]
            assert DNS_NAME.match(metadata["name"]), metadata["name"]
            assert metadata["namespace"] == arguments["ns"], (
                "the object and the call disagree on the namespace"
            )


def test_the_hypothesis_is_the_local_one_with_http_probes_for_the_services(
    path: Path, load: Load
) -> None:
    """The local experiment's python probes, same names and arguments (edu.chaos.journal reads
    the ledger and the verdict by name), except services_answer, which reads the local stack:
    instead, chaostoolkit's HTTP provider asks each service, expecting a 200."""
    local_path = LOCAL / path.name
    assert local_path.is_file(), (
        f"a staging variant is named after its local experiment: no {local_path.name}"
    )

    def python_probes(experiment: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
        return [
            (
                p["name"],
                p["provider"]["module"],
                p["provider"]["func"],
                p["provider"].get("arguments"),
            )
            for p in experiment["steady-state-hypothesis"]["probes"]
            if p["provider"]["type"] == "python"
        ]

    experiment = load(path)
    expected = [p for p in python_probes(load(local_path)) if p[2] != "services_answer"]
    assert python_probes(experiment) == expected
    http = [
        p
        for p in experiment["steady-state-hypothesis"]["probes"]
        if p["provider"]["type"] == "http"
    ]
    asked = {
        str(p["provider"]["url"]).split("}")[0].removeprefix("${").removesuffix("_url")
        for p in http
    }
    assert asked == set(SERVICES), f"HTTP probes ask {sorted(asked)}, not every service"
    assert all(p["tolerance"] == 200 for p in http), "an HTTP probe that does not expect a 200"
