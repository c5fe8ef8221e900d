"""The monthly staging run: every Kubernetes variant in chaos/k8s, judged like the local layer.

    python -m edu.chaos.staging [EXPERIMENT ...]      # `just chaos-staging`; default: all four

Checks the environment first (chaos/k8s/README.md, "Environment") and names every missing
variable, writes the staging target file (service URLs and databases, mode 0600) unless
``EDU_CHAOS_STACK`` names one already, then runs one ``chaos run --rollback-strategy always``
per experiment with a fresh run folder under ``.edu/results/chaos-staging/`` and judges each
journal with ``edu.chaos.journal.passed``: a failed proof step, a failed rollback, a deviation,
a lost or duplicated event, or a load that made no request fails the run (exit 1).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from edu.chaos.journal import passed, summarize, table
from edu.chaos.target import RUN_DIR_VARIABLE, STACK_VARIABLE

SERVICES = ("identity", "course", "enrollment", "notifications")


def required_variables(experiment: Mapping[str, Any]) -> set[str]:
    """Environment variables an experiment reads without a default (configuration, secrets)."""
    found: set[str] = set()

    def visit(value: Any) -> None:
        if isinstance(value, Mapping):
            if value.get("type") == "env" and "key" in value and "default" not in value:
                found.add(str(value["key"]))
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(experiment.get("configuration", {}))
    visit(experiment.get("secrets", {}))
    return found


def missing_variables(experiments: Sequence[Path], env: Mapping[str, str]) -> list[str]:
    needed = set().union(*(required_variables(json.loads(p.read_text())) for p in experiments))
    if STACK_VARIABLE not in env:  # the target file is written from these
        needed |= {f"EDU_STAGING_{s.upper()}_URL" for s in SERVICES}
        needed |= {f"EDU_STAGING_{s.upper()}_DATABASE_URL" for s in SERVICES}
    return sorted(name for name in needed if not env.get(name))


def write_target(path: Path, env: Mapping[str, str]) -> None:
    target = {
        "service_urls": {s: env[f"EDU_STAGING_{s.upper()}_URL"] for s in SERVICES},
        "databases": {s: env[f"EDU_STAGING_{s.upper()}_DATABASE_URL"] for s in SERVICES},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # it holds database passwords
    path.chmod(0o600)
    path.write_text(json.dumps(target, indent=2))


def run_one(experiment: Path, out: Path, env: Mapping[str, str]) -> dict[str, Any]:
    run = out / experiment.stem
    run.mkdir(parents=True, exist_ok=True)
    journal = run / "journal.json"
    chaos = Path(sys.executable).parent / "chaos"
    subprocess.run(
        [
            str(chaos),
            "--no-version-check",
            "--log-file",
            str(run / "chaostoolkit.log"),
            "run",
            "--rollback-strategy",
            "always",
            "--journal-path",
            str(journal),
            str(experiment),
        ],
        env={**env, RUN_DIR_VARIABLE: str(run / "run")},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if not journal.is_file():  # chaos itself failed (bad file, missing module): nothing ran
        return {
            **summarize({}),
            "title": experiment.stem,
            "status": "no journal",
            "failed_steps": ["chaos run"],
        }
    summary = summarize(json.loads(journal.read_text()))
    (run / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("experiments", nargs="*", help="names in chaos/k8s (default: all)")
    parser.add_argument("--folder", type=Path, default=Path("chaos/k8s"))
    parser.add_argument("--out", type=Path, default=Path(".edu/results/chaos-staging"))
    args = parser.parse_args(argv)
    available = sorted(args.folder.glob("*.json"))
    chosen = [p for p in available if not args.experiments or p.stem in args.experiments]
    unknown = set(args.experiments) - {p.stem for p in available}
    if unknown or not chosen:
        names = ", ".join(p.stem for p in available)
        print(
            f"no such staging experiment: {', '.join(sorted(unknown)) or '(none)'}; known: {names}",
            file=sys.stderr,
        )
        return 2
    env = dict(os.environ)
    out = args.out / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    env.setdefault("EDU_STAGING_RUN_ID", out.name.lower())  # names 04's NetworkChaos object
    missing = missing_variables(chosen, env)
    if missing:
        print(
            "the staging run needs these variables (chaos/k8s/README.md, Environment):\n  "
            + "\n  ".join(missing),
            file=sys.stderr,
        )
        return 2
    if STACK_VARIABLE not in env:
        env[STACK_VARIABLE] = str((out / "target.json").resolve())
        write_target(Path(env[STACK_VARIABLE]), env)
    summaries = {p.stem: run_one(p, out, env) for p in chosen}
    print(table(summaries))
    print(f"journals and run folders: {out}")
    return 0 if all(passed(s) for s in summaries.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
