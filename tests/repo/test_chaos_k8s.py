"""The staging chaos experiments (chaos/k8s/*.json) are well formed and call what exists.

They run once a month against the staging cluster with chaostoolkit-kubernetes (``chaosk8s``),
which is not installed here: it pulls the kubernetes client, and only the staging run needs it.
So they are checked offline: chaostoolkit's own validation with chaosk8s's activities stubbed
from the signatures below (or the real package wherever it is installed), every placeholder
configured and typed right after substitution, the local experiment's hypothesis kept, every
fault bracketed by a proof and undone by a rollback, and a staging variant (or a stated reason)
for every local experiment. A staging variant is named after the local experiment it mirrors.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edu.cli.workspace import find_root

ROOT = find_root(Path(__file__).parent)
K8S = ROOT / "chaos" / "k8s"
LOCAL = ROOT / "chaos" / "experiments"
README = K8S / "README.md"
EXPERIMENTS = sorted(K8S.glob("*.json"))
SERVICES = ("identity", "course", "enrollment", "notifications")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Every chaosk8s activity names its cluster through this secret (the kube context from
# EDU_STAGING_KUBE_CONTEXT) rather than using whatever context the kubeconfig is on.
K8S_SECRET = "kubernetes"

# chaostoolkit-kubernetes 0.39.0, read from its wheel's source
# (chaostoolkit_kubernetes-0.39.0-py3-none-any.whl, chaosk8s/**/*.py): the public activities
# (each module's __all__) of the modules these experiments draw from, parameters in order,
# "name=" when it has a default. Used where chaosk8s is not importable;
# test_known_signatures_match_the_installed_chaosk8s compares them with the package wherever
# it is installed (`uv run --with chaostoolkit-kubernetes==0.39.0 pytest tests/repo/test_chaos_k8s.py`).
CHAOSK8S_VERSION = "0.39.0"
CHAOSK8S_SIGNATURES: dict[str, dict[str, str]] = {
    "chaosk8s.pod.actions": {
        "terminate_pods": "label_selector=, name_pattern=, all=, rand=, mode=, qty=, grace_period=, ns=, order=, secrets=",
        "exec_in_pods": "cmd, label_selector=, name_pattern=, all=, rand=, mode=, qty=, ns=, order=, container_name=, request_timeout=, secrets=",
    },
    "chaosk8s.pod.probes": {
        "read_pod_logs": "name=, last=, ns=, from_previous=, label_selector=, container_name=, secrets=",
        "pods_in_phase": "label_selector, phase=, ns=, raise_on_invalid_phase=, secrets=",
        "pods_in_conditions": "label_selector, conditions, ns=, raise_on_invalid_conditions=, secrets=",
        "pods_not_in_phase": "label_selector, phase=, ns=, raise_on_in_phase=, secrets=",
        "count_pods": "label_selector, phase=, ns=, secrets=",
        "pod_is_not_available": "name, ns=, label_selector=, raise_on_is_available=, secrets=",
        "count_min_pods": "label_selector, phase=, min_count=, ns=, secrets=",
        "should_be_found_in_logs": "pattern, all_containers=, value=, secrets=",
    },
    "chaosk8s.deployment.actions": {
        "create_deployment": "spec_path, ns=, secrets=",
        "delete_deployment": "name=, ns=, label_selector=, secrets=",
        "scale_deployment": "name, replicas, ns=, secrets=",
        "rollout_deployment": "name=, ns=, secrets=",
    },
    "chaosk8s.deployment.probes": {
        "deployment_available_and_healthy": "name, ns=, label_selector=, raise_on_unavailable=, secrets=",
        "deployment_partially_available": "name, ns=, label_selector=, raise_on_not_partially_available=, secrets=",
        "deployment_not_fully_available": "name, ns=, label_selector=, timeout=, raise_on_fully_available=, secrets=",
        "deployment_fully_available": "name, ns=, label_selector=, timeout=, raise_on_not_fully_available=, secrets=",
    },
    "chaosk8s.statefulset.actions": {
        "create_statefulset": "spec_path, ns=, secrets=",
        "scale_statefulset": "name, replicas, ns=, secrets=",
        "remove_statefulset": "name=, ns=, label_selector=, secrets=",
    },
    "chaosk8s.statefulset.probes": {
        "statefulset_not_fully_available": "name, ns=, label_selector=, timeout=, raise_on_fully_available=, secrets=",
        "statefulset_fully_available": "name, ns=, label_selector=, timeout=, raise_on_not_fully_available=, secrets=",
    },
    "chaosk8s.crd.actions": {
        "apply_from_json": "resource=, secrets=",
        "apply_from_yaml": "resource=, secrets=",
        "create_custom_object": "group, version, plural, ns=, resource=, resource_as_yaml_file=, secrets=",
        "delete_custom_object": "group, version, plural, name, ns=, secrets=",
        "create_cluster_custom_object": "group, version, plural, resource=, resource_as_yaml_file=, secrets=",
        "delete_cluster_custom_object": "group, version, plural, name, secrets=",
        "patch_custom_object": "group, version, plural, name, ns=, force=, resource=, resource_as_yaml_file=, secrets=",
        "replace_custom_object": "group, version, plural, name, ns=, force=, resource=, resource_as_yaml_file=, secrets=",
        "patch_cluster_custom_object": "group, version, plural, name, force=, resource=, resource_as_yaml_file=, secrets=",
        "replace_cluster_custom_object": "group, version, plural, name, force=, resource=, resource_as_yaml_file=, secrets=",
    },
    "chaosk8s.crd.probes": {
        "get_custom_object": "group, version, plural, name, ns=, secrets=",
        "list_custom_objects": "group, version, plural, ns=, secrets=",
        "get_cluster_custom_object": "group, version, plural, name, secrets=",
        "list_cluster_custom_objects": "group, version, plural, secrets=",
    },
    "chaosk8s.chaosmesh.network.actions": {
        "add_latency": "name, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, latency=, correlation=, jitter=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "set_loss": "name, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, loss=, correlation=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "duplicate_packets": "name, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, duplicate=, correlation=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "reorder_packets": "name, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, reorder=, correlation=, gap=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "corrupt_packets": "name, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, corrupt=, correlation=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "set_bandwidth": "name, rate, limit, buffer, ns=, namespaces_selectors=, label_selectors=, annotations_selectors=, mode=, mode_value=, direction=, peakrate=, minburst=, external_targets=, target_mode=, target_mode_value=, target_namespaces_selectors=, target_label_selectors=, target_annotations_selectors=, secrets=",
        "delete_network_fault": "name, ns=, secrets=",
    },
    "chaosk8s.chaosmesh.network.probes": {
        "get_network_faults": "ns=, secrets=",
        "get_network_fault": "name, ns=, secrets=",
    },
}
# chaosk8s probes that fail when the fault is not there: the workload is not fully available
# (a watch for up to `timeout` s), no pod of it is Running, or (for a Chaos Mesh fault, whose
# effect chaosk8s cannot observe) the fault object exists in the API.
FAULT_PROOFS = {
    "deployment_not_fully_available",
    "statefulset_not_fully_available",
    "pod_is_not_available",
    "pods_not_in_phase",
    "get_network_fault",
    "get_custom_object",
}
# Arguments the Kubernetes API takes as integers: a "${var}" must still be one after substitution.
INTEGER_ARGUMENTS = {"replicas", "timeout", "qty", "grace_period"}


def load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text())
    assert isinstance(data, dict), f"{path.name} is not a JSON object"
    return data


def activities(experiment: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every activity: hypothesis probes and their probe tolerances, method, rollbacks."""
    for probe in experiment.get("steady-state-hypothesis", {}).get("probes", []):
        yield probe
        tolerance = probe.get("tolerance")
        if isinstance(tolerance, dict) and tolerance.get("type") == "probe":
            yield tolerance
    yield from experiment.get("method", [])
    yield from experiment.get("rollbacks", [])


def python_providers(experiment: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (activity["name"], activity["provider"])
        for activity in activities(experiment)
        if activity.get("provider", {}).get("type") == "python"
    ]


def is_k8s(provider: dict[str, Any]) -> bool:
    return str(provider.get("module", "")).split(".")[0] == "chaosk8s"


def chaosk8s_installed() -> bool:
    return importlib.util.find_spec("chaosk8s") is not None


def known_signature(text: str) -> inspect.Signature:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    empty = inspect.Parameter.empty
    return inspect.Signature(
        [
            inspect.Parameter(item.rstrip("="), kind, default=None if item.endswith("=") else empty)
            for item in text.split(", ")
        ]
    )


def signature_of(module: str, func: str) -> inspect.Signature:
    """The activity's signature: chaosk8s's from the package if installed, else from the list."""
    if module.split(".")[0] == "chaosk8s" and not chaosk8s_installed():
        known = CHAOSK8S_SIGNATURES.get(module, {})
        assert func in known, (
            f"{module}.{func} is not an activity of chaostoolkit-kubernetes {CHAOSK8S_VERSION}"
        )
        return known_signature(known[func])
    found = getattr(importlib.import_module(module), func, None)
    assert callable(found), f"{module} has no function {func}"
    return inspect.signature(found)


def sample_environment(experiment: dict[str, Any]) -> dict[str, str]:
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


def substituted(experiment: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The experiment's activities as chaostoolkit runs them: placeholders replaced."""
    for key, value in sample_environment(experiment).items():
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


@pytest.fixture
def chaosk8s_stubs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where chaosk8s is not installed: modules whose functions have its signatures, so that
    chaostoolkit's validation (which imports each activity and binds its arguments) can run."""
    if chaosk8s_installed():
        return
    for module, functions in CHAOSK8S_SIGNATURES.items():
        parts = module.split(".")
        for depth in range(1, len(parts)):
            parent = ".".join(parts[:depth])
            if parent not in sys.modules:
                monkeypatch.setitem(sys.modules, parent, types.ModuleType(parent))
        stub = types.ModuleType(module)
        for func, text in functions.items():

            def activity(*args: Any, **kwargs: Any) -> Any:
                raise AssertionError("a stub of chaosk8s: these tests never run an activity")

            activity.__name__ = func
            activity.__dict__["__signature__"] = known_signature(text)  # inspect.signature reads it
            setattr(stub, func, activity)
        monkeypatch.setitem(sys.modules, module, stub)


def test_there_are_staging_experiments() -> None:
    assert len(EXPERIMENTS) >= 4, EXPERIMENTS


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


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_structure(path: Path) -> None:
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


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_python_activity_exists_with_its_arguments(path: Path) -> None:
    """chaosk8s (0.39.0) or edu.chaos, and the arguments bind to the function's signature."""
    for name, provider in python_providers(load(path)):
        module, func = str(provider["module"]), str(provider["func"])
        assert module.split(".")[0] == "chaosk8s" or module.startswith("edu.chaos."), (
            f"{name}: {module} is neither chaostoolkit-kubernetes nor edu.chaos"
        )
        signature = signature_of(module, func)
        arguments = dict(provider.get("arguments", {}))
        if "secrets" in signature.parameters:
            arguments.setdefault("secrets", None)  # chaostoolkit passes these out of band
        try:
            signature.bind(**arguments)
        except TypeError as error:
            pytest.fail(
                f"{name}: {module}.{func}{signature} does not take {sorted(arguments)}: {error}"
            )


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_chaostoolkit_accepts_the_experiment(
    path: Path, chaosk8s_stubs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chaoslib's own validation: structure, tolerances, configuration, every python activity
    imported and its arguments bound."""
    experiment = load(path)
    for key, value in sample_environment(experiment).items():
        monkeypatch.setenv(key, value)
    importlib.import_module("chaoslib.experiment").ensure_experiment_is_valid(experiment)


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_every_placeholder_is_configured_and_every_setting_used(path: Path) -> None:
    experiment = load(path)
    body = {k: v for k, v in experiment.items() if k not in ("configuration", "secrets")}
    used = set(PLACEHOLDER.findall(json.dumps(body)))
    configured = set(experiment.get("configuration", {}))
    assert not used - configured, f"placeholders with no configuration: {sorted(used - configured)}"
    assert not configured - used, f"configuration nothing uses: {sorted(configured - used)}"


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_after_substitution_the_arguments_are_what_kubernetes_takes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    experiment = substituted(load(path), monkeypatch)
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


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_the_hypothesis_is_the_local_one_with_http_probes_for_the_services(path: Path) -> None:
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


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_the_fault_is_marked_proved_and_undone(path: Path) -> None:
    """Between the fault-start and fault-end marks (the load verdict's window): a chaosk8s
    action, then a probe that fails when the fault is absent (an injection that did nothing
    fails there); the
    load stopped after the window; every scale-to-zero scaled back and every created object
    deleted by a rollback; every chaosk8s call names its cluster."""
    experiment = load(path)
    method, rollbacks = experiment["method"], experiment["rollbacks"]

    def at(func: str, **arguments: Any) -> list[int]:
        return [
            i
            for i, a in enumerate(method)
            if a["provider"].get("func") == func
            and all(a["provider"].get("arguments", {}).get(k) == v for k, v in arguments.items())
        ]

    starts, ends = at("mark", event="fault-start"), at("mark", event="fault-end")
    assert len(starts) == 1, "one fault window: one fault-start mark"
    assert len(ends) == 1, "one fault window: one fault-end mark"
    start, end = starts[0], ends[0]
    assert start < end
    faults = {method[i]["provider"]["arguments"]["fault"] for i in (start, end)}
    assert len(faults) == 1, f"the marks name different faults: {faults}"
    window = method[start + 1 : end]
    actions = [i for i, a in enumerate(window) if is_k8s(a["provider"]) and a["type"] == "action"]
    assert actions, "no chaosk8s action inside the fault window"
    proofs = [
        a["name"]
        for a in window[actions[0] + 1 :]
        if is_k8s(a["provider"]) and a["provider"]["func"] in FAULT_PROOFS
    ]
    assert proofs, f"no probe after the fault that fails without it ({sorted(FAULT_PROOFS)})"
    if at("start_load"):
        stops = at("stop_load")
        assert stops, "the method starts a load and never stops it"
        assert stops[0] > end, "the load must run until after the window"
        assert any(r["provider"].get("func") == "ensure_load_stopped" for r in rollbacks)

    undo = [r["provider"] for r in rollbacks if is_k8s(r["provider"])]
    for activity in method:
        provider = activity["provider"]
        arguments = provider.get("arguments", {})
        if (
            provider.get("func") in ("scale_statefulset", "scale_deployment")
            and arguments["replicas"] == 0
        ):
            assert any(
                u["func"] == provider["func"]
                and u["arguments"]["name"] == arguments["name"]
                and u["arguments"]["replicas"] != 0
                for u in undo
            ), f"{activity['name']}: no rollback scales it back"
        if provider.get("func") == "create_custom_object":
            name = arguments["resource"]["metadata"]["name"]
            assert any(
                u["func"] in ("delete_custom_object", "delete_network_fault")
                and u["arguments"]["name"] == name
                for u in undo
            ), f"{activity['name']}: no rollback deletes {name}"

    for name, provider in python_providers(experiment):
        if is_k8s(provider):
            assert provider.get("secrets") == [K8S_SECRET], f"{name}: no explicit kube context"
    context = experiment.get("secrets", {}).get(K8S_SECRET, {}).get("KUBERNETES_CONTEXT", {})
    assert context.get("type") == "env", "the kube context must come from the environment"
    assert "default" not in context, "the kube context must have no default"


@pytest.mark.skipif(
    not chaosk8s_installed(), reason="chaostoolkit-kubernetes is installed for the staging run only"
)
def test_known_signatures_match_the_installed_chaosk8s() -> None:
    assert importlib.metadata.version("chaostoolkit-kubernetes") == CHAOSK8S_VERSION
    for module, functions in CHAOSK8S_SIGNATURES.items():
        loaded = importlib.import_module(module)
        assert set(functions) <= set(loaded.__all__), (
            f"{module}: {set(functions) - set(loaded.__all__)}"
        )
        for func, text in functions.items():
            real = inspect.signature(getattr(loaded, func))
            flat = ", ".join(
                f"{p.name}=" if p.default is not inspect.Parameter.empty else p.name
                for p in real.parameters.values()
            )
            assert flat == text, f"{module}.{func}: the package has ({flat})"
