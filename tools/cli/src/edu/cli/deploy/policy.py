"""Policy over rendered Kubernetes manifests: what a team expects of every workload.

Rules (each finding names one):
- ``image-tag``: every image has a tag or a digest, and the tag is not ``latest``;
- ``resources``: every container sets requests and limits for cpu and memory;
- ``non-root``: every pod runs as non-root (``runAsNonRoot: true``, no ``runAsUser: 0``);
- ``probes``: long-running containers (Deployment, StatefulSet, DaemonSet) have liveness and
  readiness probes, unless the workload says why not in the annotation ``PROBES_EXEMPT``;
- ``secret-literal``: no Secret with data in the repository, no secret-looking variable
  (password, token, key, secret, database URL) given as a literal value or ConfigMap entry;
- ``keep-alive``: a container serving with uvicorn passes ``--timeout-keep-alive`` of at least
  ``UVICORN_KEEP_ALIVE_SECONDS``: uvicorn's default (5 s) closes idle connections before the
  gateway and the services' clients stop pooling them, and a request sent on one as it closes
  fails unread (edu.infra.dev_services says why).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from edu.cli.deploy.findings import Finding
from edu.infra.dev_services import UVICORN_KEEP_ALIVE_SECONDS

PROBES_EXEMPT = "eduplatform.dev/probes-exempt"
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
WORKLOADS = LONG_RUNNING | {"Job", "CronJob", "Pod", "ReplicaSet"}
SECRET_NAME = re.compile(
    r"(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|SIGNING_KEY|API_KEY|DATABASE_URL)$", re.I
)

Manifest = Mapping[str, Any]


def check(documents: Iterable[Manifest], source: str) -> list[Finding]:
    findings: list[Finding] = []
    for doc in documents:
        kind = str(doc.get("kind", ""))
        name = f"{source}: {kind}/{doc.get('metadata', {}).get('name', '?')}"
        if kind == "Secret" and (doc.get("data") or doc.get("stringData")):
            findings.append(_f(name, "secret-literal", "a Secret with values is in the repository"))
        if kind == "ConfigMap":
            findings.extend(
                _f(name, "secret-literal", f"{key} looks like a secret: use a secretKeyRef")
                for key in (doc.get("data") or {})
                if SECRET_NAME.search(str(key))
            )
        if kind in WORKLOADS:
            findings.extend(_check_workload(doc, kind, name))
    return findings


def _f(where: str, rule: str, message: str) -> Finding:
    return Finding("policy", where, rule, message)


def pod_spec(doc: Manifest) -> Mapping[str, Any]:
    kind = doc.get("kind")
    spec: Mapping[str, Any] = doc.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template: Mapping[str, Any] = spec.get("template") or {}
    result: Mapping[str, Any] = template.get("spec") or {}
    return result


def _containers(pod: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers"):
        yield from pod.get(key) or []


def image_problem(image: str) -> str | None:
    """Why ``image`` is not pinned, or None: a digest, or a tag other than ``latest``."""
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"{image} has no tag (it means latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return f"{image} uses the latest tag"
    return None


def _check_workload(doc: Manifest, kind: str, where: str) -> Iterator[Finding]:
    pod = pod_spec(doc)
    pod_security = pod.get("securityContext") or {}
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    exempt = bool(str(annotations.get(PROBES_EXEMPT, "")).strip())
    for container in _containers(pod):
        cname = f"{where} container {container.get('name', '?')}"
        problem = image_problem(str(container.get("image", "")))
        if problem:
            yield _f(cname, "image-tag", problem)
        resources = container.get("resources") or {}
        for part in ("requests", "limits"):
            missing = [r for r in ("cpu", "memory") if r not in (resources.get(part) or {})]
            if missing:
                yield _f(cname, "resources", f"no {part} for {', '.join(missing)}")
        security = container.get("securityContext") or {}
        non_root = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
        user = security.get("runAsUser", pod_security.get("runAsUser"))
        if non_root is not True:
            yield _f(cname, "non-root", "runAsNonRoot is not true")
        if user == 0:
            yield _f(cname, "non-root", "runAsUser is 0 (root)")
        if kind in LONG_RUNNING and container in (pod.get("containers") or []) and not exempt:
            for probe in ("livenessProbe", "readinessProbe"):
                if not container.get(probe):
                    yield _f(cname, "probes", f"no {probe} (or annotate {PROBES_EXEMPT} with why)")
        for env in container.get("env") or []:
            if SECRET_NAME.search(str(env.get("name", ""))) and "value" in env:
                yield _f(cname, "secret-literal", f"{env['name']} is a literal: use a secretKeyRef")
        problem = keep_alive_problem(container)
        if problem:
            yield _f(cname, "keep-alive", problem)


def keep_alive_problem(container: Mapping[str, Any]) -> str | None:
    """Why a uvicorn container would close idle connections before its callers do, or None."""
    words = [
        str(word) for word in [*(container.get("command") or []), *(container.get("args") or [])]
    ]
    if "uvicorn" not in words:
        return None
    least = UVICORN_KEEP_ALIVE_SECONDS
    if "--timeout-keep-alive" not in words[:-1]:
        return (
            f"uvicorn without --timeout-keep-alive closes idle connections at 5 s (want >= {least})"
        )
    value = words[words.index("--timeout-keep-alive") + 1]
    if not value.isdigit() or int(value) < least:
        return f"--timeout-keep-alive {value} is shorter than the callers pool connections (want >= {least})"
    return None
