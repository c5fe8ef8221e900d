"""From changed files to the layers to run, each with the test folders or files it gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from edu.cli.affected.graph import PYTHON, RUST, Affected, DependencyGraph
from edu.cli.affected.rules import PACTS_FOLDER, effects_of
from edu.cli.affected.scan import crate_name
from edu.cli.registry import KINDS, Layer, Registry, RegistryError

REPOSITORY_TESTS = "tests"  # the repository's own checks: cheap, and any change can break them
WHITE_BOX_SUITES = ("unit", "integration")  # a member's own tests, selected with the member
DEPLOYABLE_FOLDERS = ("services/", "workers/")
# Data a suite outside the members reads, by the suite's folder: a changed pact changes what the
# contract suite checks (its consumer test and its verification), though no member's code moved.
SUITE_DATA: Mapping[str, tuple[str, ...]] = {"contracts/tests": (PACTS_FOLDER,)}
# Command gates that accept member folders as arguments and then check only those.
MEMBER_FOLDER_GATES = (("edu", "gate", "typecheck"),)


@dataclass(frozen=True)
class LayerPick:
    layer: Layer
    whole: bool
    targets: tuple[str, ...]  # pytest: test folders; command: arguments; empty when whole
    reason: str
    keyword: str | None = None  # pytest: only the tests matching this -k expression
    share: float = 1.0  # with a keyword: the driven deployables' share it keeps (estimates)


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
    if kind not in (None, *KINDS):
        raise RegistryError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return [
        layer
        for layer in of_trigger
        if (not only or layer.name in only)
        and layer.name not in exclude
        and (kind is None or layer.kind == kind)
    ]


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
        if layer.kind == "pytest":
            pick = judge.pytest_pick(layer, targets.get(layer.name, ()))
        elif layer.kind == "cargo":
            pick = judge.cargo_pick(layer)
        else:
            pick = judge.command_pick(layer)
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
        chosen = tuple(folder for folder in folders if self.target_selected(folder, layer.drives))
        if not chosen:
            return "no affected test folder"
        keyword, share = self.keyword_for(layer, chosen)
        whole = len(chosen) == len(folders) and keyword is None
        reason = f"{len(chosen)} of {len(folders)} test folders"
        if keyword:
            reason += f", only -k {keyword!r}"
        return LayerPick(layer, whole, chosen, reason, keyword, share)

    def keyword_for(self, layer: Layer, chosen: Sequence[str]) -> tuple[str | None, float]:
        """A network suite chosen only because driven deployables changed, with a -k expression
        per deployable: the tests of those (all of it when every driven one changed), and the
        share of the deployables that is."""
        keywords = dict(layer.drive_keywords)
        if not keywords or any(self.selected_otherwise(folder, keywords) for folder in chosen):
            return None, 1.0
        named = set(self.changed_deployables()).union(
            *(self.data_deployables(folder) for folder in chosen)
        )
        changed = sorted(name for name in named if name in keywords)
        if not changed or len(changed) == len(keywords):
            return None, 1.0
        expression = " or ".join(f"({keywords[name]})" for name in changed)
        return expression, len(changed) / len(keywords)

    def selected_otherwise(self, folder: str, keywords: Mapping[str, str]) -> bool:
        """Chosen for a reason other than a changed deployable it drives (importing one's code
        is covered by that deployable's tests: the pact consumer tests import the consumer)."""
        if any(_inside(path, folder) for path in self.files):
            return True
        owner = self.graph.owner_of(folder)
        if owner is not None and owner.name in self.affected.tested:
            return True
        imported = self.suite_imports.get(folder, set()) & self.affected.code.keys()
        return any(
            self.graph.nodes[name].path.rsplit("/", 1)[-1] not in keywords for name in imported
        )

    def data_changed(self, folder: str) -> list[str]:
        """The changed files among the data the suite at ``folder`` reads (SUITE_DATA)."""
        data = SUITE_DATA.get(folder, ())
        return [path for path in self.files if any(_inside(path, d) for d in data)]

    def data_deployables(self, folder: str) -> set[str]:
        """Folder names of the deployables the suite's changed data names (a pact's consumer
        and provider), which its ``-k`` keywords narrow to."""
        members = {
            effect.member
            for path in self.data_changed(folder)
            for effect in effects_of(path, self.graph)
            if effect.member is not None
        }
        return {self.graph.nodes[name].path.rsplit("/", 1)[-1] for name in members}

    def target_selected(self, folder: str, drives: Sequence[str] = ()) -> bool:
        if any(_inside(path, folder) for path in self.files) or self.data_changed(folder):
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
        # the network, not through imports: any changed deployable can break it, or, when the
        # layer declares the deployables it drives, any of those.
        return self._deployable_changed(drives) or bool(
            self.suite_imports.get(folder, set()) & self.affected.code.keys()
        )

    def command_pick(self, layer: Layer) -> LayerPick | str:
        if self.full:
            return LayerPick(layer, True, (), "full run")
        if layer.args[:3] in MEMBER_FOLDER_GATES:
            folders = sorted(
                self.graph.nodes[name].path
                for name in self.affected.tested
                if self.graph.nodes[name].language == PYTHON
            )
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

    def cargo_pick(self, layer: Layer) -> LayerPick | str:
        """The Rust tests of the affected crates (``-p`` each), or all of them on a full run."""
        if self.full:
            return LayerPick(layer, True, (), "full run")
        crates = sorted(
            crate_name(self.graph.nodes[name])
            for name in self.affected.tested
            if self.graph.nodes[name].language == RUST
        )
        if not crates:
            return "no Rust crate affected"
        arguments = tuple(argument for crate in crates for argument in ("-p", crate))
        return LayerPick(layer, False, arguments, f"{len(crates)} affected crates")

    def changed_deployables(self) -> list[str]:
        """Folder names of the changed services and workers (``course``, ``email-sender``)."""
        paths = [self.graph.nodes[name].path for name in self.affected.code]
        return [p.rsplit("/", 1)[-1] for p in paths if p.startswith(DEPLOYABLE_FOLDERS)]

    def _deployable_changed(self, drives: Sequence[str] = ()) -> bool:
        changed = self.changed_deployables()
        return bool([name for name in changed if name in drives] if drives else changed)

    def _repository_tests_touched(self) -> bool:
        if any(_inside(path, REPOSITORY_TESTS) for path in self.files):
            return True
        return any(
            _inside(folder, REPOSITORY_TESTS) and members & self.affected.code.keys()
            for folder, members in self.suite_imports.items()
        )


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
