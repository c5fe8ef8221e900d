"""The chaosk8s activities the staging experiments call exist and take their arguments.

chaostoolkit-kubernetes is a dev dependency of the workspace and is used wherever it is
installed; elsewhere its activities are stubbed from the signatures recorded below, so that
chaoslib's own validation (which imports each activity and binds its arguments) still runs.
The recorded signatures are compared with the package wherever it is installed.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Experiment = dict[str, Any]

# chaostoolkit-kubernetes 0.39.0, read from its wheel's source
# (chaostoolkit_kubernetes-0.39.0-py3-none-any.whl, chaosk8s/**/*.py): the public activities
# (each module's __all__) of the modules these experiments draw from, parameters in order,
# "name=" when it has a default. Used where chaosk8s is not importable;
# test_known_signatures_match_the_installed_chaosk8s compares them with the package wherever
# it is installed (`uv run --with chaostoolkit-kubernetes==0.39.0 pytest tests/repo/chaos_k8s`).
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


def test_every_python_activity_exists_with_its_arguments(
    path: Path,
    load: Callable[[Path], Experiment],
    python_providers: Callable[[Experiment], list[tuple[str, dict[str, Any]]]],
) -> None:
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


def test_chaostoolkit_accepts_the_experiment(
    path: Path,
    chaosk8s_stubs: None,
    monkeypatch: pytest.MonkeyPatch,
    load: Callable[[Path], Experiment],
    sample_environment: Callable[[Experiment], dict[str, str]],
) -> None:
    """chaoslib's own validation: structure, tolerances, configuration, every python activity
    imported and its arguments bound."""
    experiment = load(path)
    for key, value in sample_environment(experiment).items():
        monkeypatch.setenv(key, value)
    importlib.import_module("chaoslib.experiment").ensure_experiment_is_valid(experiment)


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
