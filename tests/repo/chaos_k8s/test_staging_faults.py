"""Every staging fault is marked, proved and undone, on a named cluster.

Between the fault-start and fault-end marks (the window the load verdict judges) a chaosk8s
action, then a probe that fails when the fault is absent; every scale-to-zero scaled back and
every created object deleted by a rollback; every chaosk8s call names its kube context.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Experiment = dict[str, Any]

# Every chaosk8s activity names its cluster through this secret (the kube context from
# EDU_STAGING_KUBE_CONTEXT) rather than using whatever context the kubeconfig is on.
K8S_SECRET = "kubernetes"


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


def test_the_fault_is_marked_proved_and_undone(
    path: Path,
    load: Callable[[Path], Experiment],
    python_providers: Callable[[Experiment], list[tuple[str, dict[str, Any]]]],
    is_k8s: Callable[[dict[str, Any]], bool],
) -> None:
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
