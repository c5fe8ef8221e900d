"""The manifest policy of `edu deploy check`: a good workload passes, each planted defect is caught."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from edu.cli.deploy import policy
from edu.infra.dev_services import UVICORN_KEEP_ALIVE_SECONDS


def _deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "course"},
        "spec": {
            "template": {
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 65532},
                    "containers": [
                        {
                            "name": "course",
                            "image": "eduplatform/course:0.1.0",
                            "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}},
                            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}},
                            "resources": {
                                "requests": {"cpu": "250m", "memory": "256Mi"},
                                "limits": {"cpu": "1", "memory": "512Mi"},
                            },
                            "env": [
                                {
                                    "name": "EDU_DATABASE_URL",
                                    "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}},
                                }
                            ],
                        }
                    ],
                }
            }
        },
    }


def _rules(doc: dict[str, Any]) -> list[str]:
    return [finding.rule for finding in policy.check([doc], "fixture")]


def _container(doc: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = doc["spec"]["template"]["spec"]["containers"][0]
    return container


class TestWorkloadPolicy:
    def test_a_pinned_probed_limited_non_root_deployment_passes(self) -> None:
        assert _rules(_deployment()) == []

    @pytest.mark.parametrize("image", ["eduplatform/course:latest", "eduplatform/course"])
    def test_catches_a_latest_or_missing_tag(self, image: str) -> None:
        doc = _deployment()
        _container(doc)["image"] = image
        assert _rules(doc) == ["image-tag"]

    def test_accepts_a_digest(self) -> None:
        doc = _deployment()
        _container(doc)["image"] = "eduplatform/course@sha256:" + "a" * 64
        assert _rules(doc) == []

    def test_accepts_a_registry_with_a_port(self) -> None:
        doc = _deployment()
        _container(doc)["image"] = "registry.local:5000/eduplatform/course:1.2"
        assert _rules(doc) == []

    @pytest.mark.parametrize("probe", ["livenessProbe", "readinessProbe"])
    def test_catches_a_missing_probe(self, probe: str) -> None:
        doc = _deployment()
        del _container(doc)[probe]
        assert _rules(doc) == ["probes"]

    def test_a_probe_exemption_needs_a_reason(self) -> None:
        doc = _deployment()
        del _container(doc)["livenessProbe"]
        doc["metadata"]["annotations"] = {policy.PROBES_EXEMPT: "  "}
        assert _rules(doc) == ["probes"]
        doc["metadata"]["annotations"] = {policy.PROBES_EXEMPT: "a queue worker, no HTTP"}
        assert _rules(doc) == []

    def test_jobs_need_no_probes(self) -> None:
        deployment = _deployment()
        job = {"kind": "Job", "metadata": {"name": "j"}, "spec": deployment["spec"]}
        del _container(job)["livenessProbe"]
        assert _rules(job) == []

    def test_cronjob_pods_are_checked_too(self) -> None:
        pod = copy.deepcopy(_deployment()["spec"])
        pod["template"]["spec"]["containers"][0]["image"] = "chaos:latest"
        cronjob = {
            "kind": "CronJob",
            "metadata": {"name": "c"},
            "spec": {"jobTemplate": {"spec": pod}},
        }
        assert _rules(cronjob) == ["image-tag"]

    def test_catches_missing_limits(self) -> None:
        doc = _deployment()
        del _container(doc)["resources"]["limits"]["memory"]
        assert _rules(doc) == ["resources"]

    def test_catches_a_pod_that_may_run_as_root(self) -> None:
        doc = _deployment()
        doc["spec"]["template"]["spec"]["securityContext"] = {}
        assert _rules(doc) == ["non-root"]

    def test_catches_run_as_user_zero(self) -> None:
        doc = _deployment()
        _container(doc)["securityContext"] = {"runAsUser": 0}
        assert _rules(doc) == ["non-root"]


class TestSecretLiterals:
    def test_catches_a_secret_env_given_as_a_value(self) -> None:
        doc = _deployment()
        _container(doc)["env"] = [{"name": "EDU_PROXY_TOKEN", "value": "hunter2"}]
        assert _rules(doc) == ["secret-literal"]

    def test_catches_a_secret_with_data(self) -> None:
        secret = {"kind": "Secret", "metadata": {"name": "db"}, "stringData": {"url": "x"}}
        assert _rules(secret) == ["secret-literal"]

    def test_catches_a_password_in_a_configmap(self) -> None:
        config = {
            "kind": "ConfigMap",
            "metadata": {"name": "s"},
            "data": {"EDU_SMTP_PASSWORD": "x"},
        }
        assert _rules(config) == ["secret-literal"]


UVICORN = ["/app/.venv/bin/python", "-m", "uvicorn"]


class TestUvicornKeepAlive:
    """uvicorn must keep idle connections longer than the gateway and the clients pool them."""

    def _served(self, *args: str) -> dict[str, Any]:
        doc = _deployment()
        container = _container(doc)
        container["command"] = UVICORN
        container["args"] = ["--factory", "edu.course.entrypoints.asgi:create_app", *args]
        return doc

    def test_a_keep_alive_past_the_callers_pools_passes(self) -> None:
        seconds = str(UVICORN_KEEP_ALIVE_SECONDS)
        assert _rules(self._served("--port", "8002", "--timeout-keep-alive", seconds)) == []

    def test_catches_uvicorn_on_its_default_keep_alive(self) -> None:
        assert _rules(self._served("--port", "8002")) == ["keep-alive"]

    @pytest.mark.parametrize("seconds", ["5", "30", "soon"])
    def test_catches_a_keep_alive_shorter_than_the_callers_pools(self, seconds: str) -> None:
        assert _rules(self._served("--timeout-keep-alive", seconds)) == ["keep-alive"]

    def test_a_flag_without_its_value_is_caught(self) -> None:
        assert _rules(self._served("--timeout-keep-alive")) == ["keep-alive"]

    def test_a_container_without_uvicorn_is_not_asked(self) -> None:
        doc = _deployment()
        _container(doc)["command"] = ["/app/.venv/bin/python", "-m", "edu.email_sender"]
        assert _rules(doc) == []
