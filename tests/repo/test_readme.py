"""The README tells the truth about the layers and the commands it gives."""

import re
from pathlib import Path

from edu.cli.layer_table import markdown_table, readme_section
from edu.cli.registry import load_registry
from edu.cli.workspace import REGISTRY_FILE, find_root

ROOT = find_root(Path(__file__).parent)
README = (ROOT / "README.md").read_text()


def test_layer_table_matches_the_registry() -> None:
    section = readme_section(README)
    assert section is not None, "README.md lost its layer-table markers"
    expected = markdown_table(load_registry(ROOT / REGISTRY_FILE))
    assert section == expected, "run `uv run edu layers --write-readme` and commit README.md"


def test_every_just_recipe_the_readme_names_exists() -> None:
    justfile = (ROOT / "justfile").read_text()
    recipes = set(re.findall(r"^([a-z][a-z0-9-]*)(?:\s[^:]*)?:", justfile, flags=re.MULTILINE))
    named = set(re.findall(r"`just ([a-z][a-z0-9-]*)", README))
    missing = sorted(named - recipes)
    assert not missing, f"README names just recipes that do not exist: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    quickstart = README.split("## Getting started", 1)[1].split("```", 2)[1]
    test_command = quickstart.strip().splitlines()[-1].split("#")[0].strip()
    assert test_command == "just test-all"
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(test_command)}\s*$", ci, flags=re.MULTILINE)


def test_every_recipe_has_a_doc_comment() -> None:
    lines = (ROOT / "justfile").read_text().splitlines()
    undocumented = []
    for index, line in enumerate(lines):
        is_recipe = re.match(r"^[a-z][a-z0-9-]*(\s[^:=]*)?:(\s|$)", line)
        documented = index > 0 and lines[index - 1].startswith("# ")
        if is_recipe and not line.startswith("set ") and not documented:
            undocumented.append(line.split(":")[0])
    assert not undocumented, f"recipes without a one-line doc comment: {undocumented}"


def test_every_deployable_a_layer_drives_exists() -> None:
    deployables = {p.parent.name for p in ROOT.glob("services/py/*/pyproject.toml")}
    deployables |= {p.parent.name for p in ROOT.glob("workers/py/*/pyproject.toml")}
    deployables |= {p.parent.name for p in ROOT.glob("services/rs/*/Cargo.toml")}
    deployables |= {p.parent.name for p in ROOT.glob("workers/rs/*/Cargo.toml")}  # feed-builder
    registry = load_registry(ROOT / "layers.toml")
    for layer in registry.layers:
        unknown = set(layer.drives) - deployables
        assert not unknown, f"layers.toml: {layer.name} drives unknown deployables {unknown}"
