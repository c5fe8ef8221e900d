"""The layer registry (``layers.toml``): every test layer and gate, its budget and triggers."""

from __future__ import annotations

import glob
import tomllib
from dataclasses import dataclass
from pathlib import Path

TRIGGERS = ("pr", "nightly", "weekly", "monthly")
KINDS = ("pytest", "command", "cargo")
MAIN_LANE = "main"
INFRASTRUCTURE = ("postgres", "nats", "redis", "smtp", "browser", "s3")
# A layer using more than this of its budget passes with a warning: below 30 % headroom,
# ordinary noise on a shared 2-core machine could push it over.
WARN_FRACTION = 0.7


class RegistryError(ValueError):
    """The registry file is malformed; the message says where and how."""


@dataclass(frozen=True)
class Layer:
    name: str
    description: str
    kind: str
    paths: tuple[str, ...]
    args: tuple[str, ...]
    budget_seconds: float
    goal_seconds: float | None
    triggers: tuple[str, ...]
    needs: tuple[str, ...]
    full_run: bool = True  # part of `edu test --full` (the README's one command, `.ci/run`)
    # For a suite that drives the running services over the network (fuzz, e2e, chaos): the
    # deployables (service / worker folder names) whose change can break it; empty: any.
    drives: tuple[str, ...] = ()
    # Optional, per driven deployable: the pytest ``-k`` expression of the tests that exercise
    # it, so a change to one runs only those (`edu affected`); ``(name, expression)`` pairs.
    drive_keywords: tuple[tuple[str, str], ...] = ()
    # pytest: the only plugins (entry-point names) the layer loads; none other is auto-loaded.
    # Empty: pytest loads every installed plugin (locust, schemathesis, pact, faker, ...: ~3.7 s
    # of imports per process here).
    plugins: tuple[str, ...] = ()
    # Layers of one lane run one after another; lanes run side by side in a run of several
    # layers (`edu.cli.lanes`). "main" is the foreground lane whose output is shown live.
    lane: str = MAIN_LANE
    # May run while another lane is busy (static gates, builds); False for the suites whose
    # wall time or timing-sensitive checks another lane's CPU load would disturb.
    concurrent: bool = True
    # A suite that is not concurrent may still run beside these lanes: lanes of suites that
    # wait far more than they compute (chaos holds each fault for seconds), so the CPU they
    # leave is enough for a suite whose checks are not latency objectives.
    beside: tuple[str, ...] = ()

    def plugin_arguments(self) -> list[str]:
        """``-p NAME`` for each listed plugin (pytest layers)."""
        return [arg for name in self.plugins for arg in ("-p", name)]

    def plugin_environment(self) -> dict[str, str]:
        """With a plugin list, pytest auto-loads nothing else."""
        return {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"} if self.plugins else {}

    def expand_paths(self, root: Path) -> list[str]:
        """The test folders that exist now, relative to ``root``, in a stable order."""
        found: list[str] = []
        for pattern in self.paths:
            for match in sorted(glob.glob(pattern, root_dir=root)):
                if (root / match).exists() and match not in found:
                    found.append(match)
        return found


@dataclass(frozen=True)
class Registry:
    layers: tuple[Layer, ...]

    def get(self, name: str) -> Layer:
        for layer in self.layers:
            if layer.name == name:
                return layer
        known = ", ".join(layer.name for layer in self.layers)
        raise RegistryError(f"no layer named {name!r}; known layers: {known}")

    def for_trigger(self, trigger: str) -> list[Layer]:
        if trigger not in TRIGGERS:
            raise RegistryError(f"unknown trigger {trigger!r}; use one of {', '.join(TRIGGERS)}")
        return [layer for layer in self.layers if trigger in layer.triggers]

    def full_run(self) -> list[Layer]:
        """Every layer that fits one machine's run: `edu test --full`, in registry order."""
        return [layer for layer in self.layers if layer.full_run]


def load_registry(path: Path) -> Registry:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise RegistryError(f"layer registry {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    raw_layers = data.get("layers")
    if not isinstance(raw_layers, dict) or not raw_layers:
        raise RegistryError(f"{path}: no [layers.<name>] tables")
    return Registry(tuple(_parse_layer(path, name, raw) for name, raw in raw_layers.items()))


def _parse_layer(path: Path, name: str, raw: object) -> Layer:
    where = f"{path.name}: layer {name!r}"
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: must be a table")
    unknown = set(raw) - {
        "description",
        "kind",
        "paths",
        "args",
        "budget_seconds",
        "goal_seconds",
        "triggers",
        "needs",
        "full_run",
        "drives",
        "plugins",
        "lane",
        "concurrent",
        "beside",
    }
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    kind = raw.get("kind", "pytest")
    if kind not in KINDS:
        raise RegistryError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    budget = raw.get("budget_seconds")
    if not isinstance(budget, int | float) or isinstance(budget, bool) or budget <= 0:
        raise RegistryError(f"{where}: budget_seconds must be a positive number")
    goal = raw.get("goal_seconds")
    if goal is not None and (not isinstance(goal, int | float) or not 0 < goal <= budget):
        raise RegistryError(f"{where}: goal_seconds must be positive and within the budget")
    triggers = tuple(raw.get("triggers", ()))
    if not triggers or any(t not in TRIGGERS for t in triggers):
        raise RegistryError(
            f"{where}: triggers must be a non-empty subset of {', '.join(TRIGGERS)}"
        )
    needs = tuple(raw.get("needs", ()))
    if any(n not in INFRASTRUCTURE for n in needs):
        raise RegistryError(f"{where}: needs must be a subset of {', '.join(INFRASTRUCTURE)}")
    # By default the full run holds every pr and nightly layer; weekly/monthly-only layers
    # (long load profiles, staging chaos) and deeper profiles of a layer opt out.
    full_run = raw.get("full_run", any(t in ("pr", "nightly") for t in triggers))
    if not isinstance(full_run, bool):
        raise RegistryError(f"{where}: full_run must be true or false")
    drives = raw.get("drives", [])
    keywords: dict[str, str] = {}
    if isinstance(drives, dict):
        if not all(isinstance(k, str) and isinstance(v, str) and v for k, v in drives.items()):
            raise RegistryError(f"{where}: drives as a table maps a name to a pytest -k expression")
        keywords, drives = dict(drives), list(drives)
    if not isinstance(drives, list) or not all(isinstance(d, str) and d for d in drives):
        raise RegistryError(f"{where}: drives must be a list of service or worker names")
    paths = tuple(raw.get("paths", ()))
    args = tuple(raw.get("args", ()))
    plugins = raw.get("plugins", [])
    if not isinstance(plugins, list) or not all(isinstance(p, str) and p for p in plugins):
        raise RegistryError(f"{where}: plugins must be a list of pytest plugin names")
    if plugins and kind != "pytest":
        raise RegistryError(f"{where}: plugins are for pytest layers only")
    lane = raw.get("lane", MAIN_LANE)
    if not isinstance(lane, str) or not lane:
        raise RegistryError(f"{where}: lane must be a name")
    concurrent = raw.get("concurrent", kind != "pytest")
    if not isinstance(concurrent, bool):
        raise RegistryError(f"{where}: concurrent must be true or false")
    beside = raw.get("beside", [])
    if not isinstance(beside, list) or not all(isinstance(b, str) and b for b in beside):
        raise RegistryError(f"{where}: beside must be a list of lane names")
    if MAIN_LANE in beside or lane in beside:
        raise RegistryError(f"{where}: beside names other lanes, not {lane!r} or {MAIN_LANE!r}")
    if beside and (concurrent or lane != MAIN_LANE):
        raise RegistryError(
            f"{where}: beside is for main-lane suites that are not concurrent (a concurrent "
            "layer runs beside any lane already)"
        )
    if kind == "pytest" and not paths:
        raise RegistryError(f"{where}: a pytest layer needs paths")
    if kind in ("command", "cargo") and not args:
        raise RegistryError(f"{where}: a {kind} layer needs args (the command to run)")
    return Layer(
        name=name,
        description=str(raw.get("description", "")),
        kind=kind,
        paths=paths,
        args=args,
        budget_seconds=float(budget),
        goal_seconds=float(goal) if goal is not None else None,
        triggers=triggers,
        needs=needs,
        full_run=full_run,
        drives=tuple(drives),
        drive_keywords=tuple(keywords.items()),
        plugins=tuple(plugins),
        lane=lane,
        concurrent=concurrent,
        beside=tuple(beside),
    )
