"""Which images a change needs rebuilt: ``edu affected``'s members, mapped to deployables.

An image holds its deployable's code and the workspace code it runs (Python: the member and its
workspace dependencies; Rust: the crate and the libs/rs crates it uses), built with the
lockfile, the language's Dockerfiles and the builder (``edu deploy build`` stages the context).
So an image is rebuilt when ``edu affected`` counts its member's *code* as changed (directly,
through a dependency, a proto it is generated from, its migrations, or a lockfile/workspace
file, which changes every member of that language), when one of its language's Dockerfiles
changed, or when the builder changed. A change to a member's tests, docs outside members, a
Kubernetes manifest, the CI definitions or the test harness rebuilds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edu.cli.affected.graph import DependencyGraph
from edu.cli.affected.rules import FULL_SUITE_FILES, FULL_SUITE_FOLDERS
from edu.cli.affected.selection import select
from edu.cli.deploy.images import DEPLOYABLES, Deployable

# The files every image of a language is built from, beyond the members' code.
LANGUAGE_FILES = {
    "deploy/docker/python-base.Dockerfile": "python",
    "deploy/docker/python.Dockerfile": "python",
    "deploy/docker/rust-base.Dockerfile": "rust",
    "deploy/docker/rust.Dockerfile": "rust",
}
# The builder: how contexts are staged and images built changes every image.
BUILDER_FILES = ("tools/cli/src/edu/cli/deploy/images.py",)
# Of the files that make `edu affected` run every test, those an image is built from: the
# lockfile and the workspace's root manifest. The registry, the recipe book, the CI definitions
# and the test plugin change how tests run, not what an image holds.
IMAGE_FULL_FILES = ("uv.lock", "pyproject.toml")


def _image_input(path: str) -> bool:
    if path in IMAGE_FULL_FILES:
        return True
    return path not in FULL_SUITE_FILES and not any(
        path == folder or path.startswith(folder + "/") for folder in FULL_SUITE_FOLDERS
    )


@dataclass(frozen=True)
class Rebuild:
    deployable: Deployable
    reason: str


def images_to_rebuild(
    files: Sequence[str], graph: DependencyGraph, deployables: Sequence[Deployable] = DEPLOYABLES
) -> list[Rebuild]:
    """The deployables whose image inputs ``files`` touch, in ``deployables``' order, each with
    the first reason found."""
    reasons: dict[str, str] = {}
    for path in files:
        if path in BUILDER_FILES:
            for item in deployables:
                reasons.setdefault(item.name, f"the image builder {path} changed")
        language = LANGUAGE_FILES.get(path)
        if language is not None:
            for item in deployables:
                if item.language == language:
                    reasons.setdefault(item.name, f"{path} changed")
    code = select([f for f in files if _image_input(f)], graph, [], {}, {}).affected.code
    for item in deployables:
        node = graph.by_path(item.folder)
        if node is not None and node.name in code:
            reasons.setdefault(item.name, code[node.name])
    return [Rebuild(item, reasons[item.name]) for item in deployables if item.name in reasons]
