"""From changed files to the layers to run, each with the test folders or files it gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from edu.cli.affected.graph import Affected, DependencyGraph
from edu.cli.affected.rules import effects_of
from edu.cli.registry import Layer, Registry, RegistryError

REPOSITORY_TESTS = "tests"  # the repository's own checks: cheap, and any change can break them
WHITE_BOX_SUITES = ("unit", "integration")  # a member's own tests, selected with the member
DEPLOYABLE_FOLDERS = ("services/", "workers/")
# Command gates that accept member folders as arguments and then check only those.
MEMBER_FOLDER_GATES = (("edu", "gate", "typecheck"),)


@dataclass(frozen=True)
class LayerPick:
    layer: Layer
    whole: bool
    targets: tuple[str, ...]  # pytest: test folders; command: arguments; empty when whole
    reason: str


@dataclass(frozen=True)
class Selection:
    files: tuple[str, ...]
    full_reasons: tuple[str, ...]
    affected: Affected
    picks: tuple[LayerPick, ...]
    skipped: Mapping[str, str]  # layer -> why it does not run

    @property
    def full(self) -> bool:
        return bool(self.full_reasons)


def layers_for(
    registry: Registry,
    trigger: str,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    kind: str | None = None,
) -> list[Layer]:
    """The trigger's layers, narrowed by name or kind; naming a layer it lacks is an error."""
    of_trigger = registry.for_trigger(trigger)
    for name in [*only, *exclude]:
        if registry.get(name) not in of_trigger:
            raise RegistryError(f"layer {name!r} is not run by the {trigger!r} trigger")
    if kind not in (None, "pytest", "command"):
        raise RegistryError(f"kind must be pytest or command, not {kind!r}")
    return [
        layer for layer in of_trigger
        if (not only or layer.name in only) and layer.name not in exclude
        and (kind is None or layer.kind == kind)
    ]  # fmt: skip


def select(
    files: Sequence[str],
    graph: DependencyGraph,
    layers: Sequence[Layer],
    targets: Mapping[str, Sequence[str]],
    suite_imports: Mapping[str, set[str]],
    full_reason: str | None = None,
) -> Selection:
    """``targets``: each pytest layer's existing test folders; ``suite_imports``: the members
    each test folder outside a member imports; ``full_reason``: select everything, and why."""
    full: list[str] = [full_reason] if full_reason else []
    code: dict[str, str] = {}
    tests: dict[str, str] = {}
    for path in files:
        for effect in effects_of(path, graph):
            if effect.kind == "full":
                full.append(effect.reason)
            elif effect.member is not None:
                (code if effect.kind == "code" else tests).setdefault(effect.member, effect.reason)
    if full:
        code = dict.fromkeys(graph.nodes, "full run")
    affected = graph.affected(code, tests)
    judge = _TargetJudge(files, graph, affected, suite_imports, bool(full))
    picks: list[LayerPick] = []
    skipped: dict[str, str] = {}
    for layer in layers:
        pick = (
            judge.pytest_pick(layer, targets.get(layer.name, ()))
            if layer.kind == "pytest"
            else judge.command_pick(layer)
        )
        if isinstance(pick, LayerPick):
            picks.append(pick)
        else:
            skipped[layer.name] = pick
    return Selection(tuple(files), tuple(full), affected, tuple(picks), skipped)


@dataclass
class _TargetJudge:
    files: Sequence[str]
    graph: DependencyGraph
    affected: Affected
    suite_imports: Mapping[str, set[str]]
    full: bool

    def pytest_pick(self, layer: Layer, folders: Sequence[str]) -> LayerPick | str:
        if not folders:
            return "none of its test folders exist"
        if self.full:
            return LayerPick(layer, True, tuple(folders), "full run")
        chosen = tuple(folder for folder in folders if self.target_selected(folder))
        if not chosen:
            return "no affected test folder"
        whole = len(chosen) == len(folders)
        return LayerPick(layer, whole, chosen, f"{len(chosen)} of {len(folders)} test folders")

    def target_selected(self, folder: str) -> bool:
        if any(_inside(path, folder) for path in self.files):
            return True
        if _inside(folder, REPOSITORY_TESTS):
            return True
        owner = self.graph.owner_of(folder)
        if owner is not None and owner.name in self.affected.tested:
            return True
        suite = folder.removeprefix(owner.path + "/tests/").split("/")[0] if owner else ""
        if owner is not None and (
            suite in WHITE_BOX_SUITES or owner.path.startswith(DEPLOYABLE_FOLDERS)
        ):
            return False
        # A suite that drives the running system (e2e, fuzz, load, chaos) reaches services over
        # the network, not through imports: any changed deployable can break it.
        return self._deployable_changed() or bool(
            self.suite_imports.get(folder, set()) & self.affected.code.keys()
        )

    def command_pick(self, layer: Layer) -> LayerPick | str:
        if self.full:
            return LayerPick(layer, True, (), "full run")
        if layer.args[:3] in MEMBER_FOLDER_GATES:
            folders = sorted(self.graph.nodes[name].path for name in self.affected.tested)
            if self._repository_tests_touched():
                folders.append(REPOSITORY_TESTS)
            if not folders:
                return "no Python member affected"
            return LayerPick(layer, False, tuple(folders), f"{len(folders)} affected folders")
        if not layer.paths:
            return LayerPick(layer, True, (), "checks the whole repository")
        code_paths = [self.graph.nodes[name].path for name in self.affected.code]
        for covered in layer.paths:
            if any(
                _inside(path, covered) or _inside(covered, path)
                for path in [*self.files, *code_paths]
            ):
                return LayerPick(layer, True, (), f"a change under {covered}")
        return f"nothing under {', '.join(layer.paths)} changed"

    def _deployable_changed(self) -> bool:
        return any(
            self.graph.nodes[name].path.startswith(DEPLOYABLE_FOLDERS)
            for name in self.affected.code
        )

    def _repository_tests_touched(self) -> bool:
        if any(_inside(path, REPOSITORY_TESTS) for path in self.files):
            return True
        return any(
            _inside(folder, REPOSITORY_TESTS) and members & self.affected.code.keys()
            for folder, members in self.suite_imports.items()
        )


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
