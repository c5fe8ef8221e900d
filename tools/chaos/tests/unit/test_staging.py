"""The staging run's checks before it touches a cluster: what it needs, what it writes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from edu.chaos.staging import main, missing_variables, required_variables, write_target
from edu.cli.workspace import find_root

K8S = find_root() / "chaos" / "k8s"
EXPERIMENT = {
    "configuration": {
        "ns": {"type": "env", "key": "EDU_STAGING_NAMESPACE", "default": "staging"},
        "url": {"type": "env", "key": "EDU_STAGING_IDENTITY_URL"},
        "plain": "nats",
    },
    "secrets": {
        "kubernetes": {"KUBERNETES_CONTEXT": {"type": "env", "key": "EDU_STAGING_KUBE_CONTEXT"}}
    },
}


def test_required_variables_are_the_env_values_without_a_default() -> None:
    assert required_variables(EXPERIMENT) == {
        "EDU_STAGING_IDENTITY_URL",
        "EDU_STAGING_KUBE_CONTEXT",
    }


def test_the_real_experiments_need_the_kube_context_and_the_target(tmp_path: Path) -> None:
    missing = missing_variables(sorted(K8S.glob("*.json")), {})
    assert "EDU_STAGING_KUBE_CONTEXT" in missing
    assert "EDU_STAGING_NOTIFICATIONS_DATABASE_URL" in missing
    given = missing_variables(sorted(K8S.glob("*.json")), {"EDU_CHAOS_STACK": "t.json"})
    assert "EDU_STAGING_NOTIFICATIONS_DATABASE_URL" not in given


def test_the_target_file_is_private_and_complete(tmp_path: Path) -> None:
    env = {
        f"EDU_STAGING_{s}_URL": f"http://{s.lower()}"
        for s in ("IDENTITY", "COURSE", "ENROLLMENT", "NOTIFICATIONS")
    }
    env |= {
        f"EDU_STAGING_{s}_DATABASE_URL": f"postgresql://x/{s.lower()}"
        for s in ("IDENTITY", "COURSE", "ENROLLMENT", "NOTIFICATIONS")
    }
    path = tmp_path / "out" / "target.json"
    write_target(path, env)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["service_urls"]["course"] == "http://course"
    assert data["databases"]["notifications"] == "postgresql://x/notifications"


def test_missing_variables_stop_the_run_before_any_experiment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("EDU_STAGING_KUBE_CONTEXT", "EDU_CHAOS_STACK"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--folder", str(K8S), "--out", str(tmp_path)]) == 2
    assert "EDU_STAGING_KUBE_CONTEXT" in capsys.readouterr().err
    assert not any(tmp_path.iterdir()), "nothing may run or be written"


def test_an_unknown_experiment_is_refused_with_the_known_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["nope", "--folder", str(K8S), "--out", str(tmp_path)]) == 2
    assert "02-nats-down-30s" in capsys.readouterr().err
