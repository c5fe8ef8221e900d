"""`edu affected` on a scratch git repository holding a miniature workspace.

Two libraries (common; proto-gen, generated from proto/), three services (identity uses
common; course declares proto-gen; enrollment only *imports* edu.proto_gen, undeclared, so
only the import scan can see the edge) and a pact between enrollment and course. Each test
changes something on a branch and checks whose tests `edu affected --base main` selects.
"""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from edu.cli.app import app

LAYERS = """
[layers.lint]
kind = "command"
args = ["edu", "gate", "lint"]
budget_seconds = 30
triggers = ["pr"]

[layers.proto]
kind = "command"
paths = ["proto", "libs/py/proto-gen"]
args = ["edu", "proto", "check"]
budget_seconds = 10
triggers = ["pr"]

[layers.unit]
kind = "pytest"
paths = ["libs/py/*/tests/unit", "services/py/*/tests/unit"]
budget_seconds = 30
triggers = ["pr"]

[layers.contract]
kind = "pytest"
paths = ["services/py/*/tests/contract"]
budget_seconds = 30
triggers = ["pr"]
"""
SERVICES = {
    "identity": (["edu-common"], "import edu.common\n"),
    "course": (["edu-common", "edu-proto-gen"], "import edu.common\nimport edu.proto_gen\n"),
    "enrollment": (["edu-common"], "import edu.common\nfrom edu.proto_gen import course_pb2\n"),
}


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text)


def member(root: Path, folder: str, deps: list[str], source: str, suites: tuple[str, ...]) -> None:
    name = folder.rsplit("/", 1)[-1]
    module = name.replace("-", "_")
    write(
        root,
        f"{folder}/pyproject.toml",
        f'[project]\nname = "edu-{name}"\ndependencies = {json.dumps(deps)}\n'
        f'[tool.uv.build-backend]\nmodule-name = "edu.{module}"\n',
    )
    write(root, f"{folder}/src/edu/{module}/__init__.py", source)
    for suite in suites:
        write(root, f"{folder}/tests/{suite}/test_{module}.py", "def test_ok() -> None: ...\n")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, "pyproject.toml", '[tool.uv.workspace]\nmembers = ["libs/py/*", "services/py/*"]\n')
    write(root, "layers.toml", LAYERS)
    write(root, "uv.lock", "version = 1\n")
    write(root, "README.md", "# scratch\n")
    member(root, "libs/py/common", [], "VALUE = 1\n", ("unit",))
    member(root, "libs/py/proto-gen", [], "", ("unit",))
    for name, (deps, source) in SERVICES.items():
        member(root, f"services/py/{name}", deps, source, ("unit", "contract"))
    write(root, "proto/edu/course/v1/course.proto", 'syntax = "proto3";\n')
    write(root, "contracts/pacts/enrollment-course.json", "{}\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "base")
    git(root, "checkout", "-qb", "change")
    return root


def change(root: Path, path: str, commit: bool = True) -> None:
    with (root / path).open("a") as fh:
        fh.write("# changed\n")
    if commit:
        git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qam", "x")


def affected(root: Path) -> dict[str, Any]:
    result = CliRunner().invoke(
        app, ["affected", "--base", "main", "--json"], env={"EDU_ROOT": str(root)}
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def services_selected(data: dict[str, Any], layer: str = "unit") -> set[str]:
    targets: list[str] = data["targets"].get(layer, [])
    return {t.split("/")[2] for t in targets if t.startswith("services/")}


class TestALibraryChange:
    def test_common_selects_every_service_that_runs_it(self, scratch: Path) -> None:
        change(scratch, "libs/py/common/src/edu/common/__init__.py")
        data = affected(scratch)
        assert services_selected(data) == {"identity", "course", "enrollment"}
        assert "libs/py/common/tests/unit" in data["targets"]["unit"]
        assert "libs/py/proto-gen/tests/unit" not in data["targets"]["unit"]

    def test_generated_code_selects_declared_and_import_only_users_but_not_others(
        self, scratch: Path
    ) -> None:
        change(scratch, "libs/py/proto-gen/src/edu/proto_gen/__init__.py")
        data = affected(scratch)
        assert services_selected(data) == {"course", "enrollment"}
        assert "proto" in data["layers"]


class TestAProtoChange:
    def test_selects_the_generated_code_its_users_and_the_proto_gate(self, scratch: Path) -> None:
        change(scratch, "proto/edu/course/v1/course.proto")
        data = affected(scratch)
        assert "libs/py/proto-gen/tests/unit" in data["targets"]["unit"]
        assert services_selected(data) == {"course", "enrollment"}
        assert "proto" in data["layers"]


class TestASingleServiceChange:
    def test_selects_only_that_services_tests(self, scratch: Path) -> None:
        change(scratch, "services/py/identity/src/edu/identity/__init__.py")
        data = affected(scratch)
        assert services_selected(data) == {"identity"}
        assert services_selected(data, "contract") == {"identity"}
        assert "proto" in data["skipped"]
        assert sorted(data["members"]) == ["edu-identity"]

    def test_an_uncommitted_edit_counts_too(self, scratch: Path) -> None:
        change(scratch, "services/py/course/src/edu/course/__init__.py", commit=False)
        write(scratch, "services/py/identity/src/edu/identity/new_module.py", "X = 1\n")
        data = affected(scratch)
        assert services_selected(data) == {"course", "identity"}


class TestContractsAndFullRuns:
    def test_a_pact_selects_its_consumer_and_provider_only(self, scratch: Path) -> None:
        change(scratch, "contracts/pacts/enrollment-course.json")
        data = affected(scratch)
        assert services_selected(data, "contract") == {"enrollment", "course"}
        assert "libs/py/common/tests/unit" not in data["targets"]["unit"]

    def test_the_lockfile_selects_everything(self, scratch: Path) -> None:
        change(scratch, "uv.lock")
        data = affected(scratch)
        assert data["full"] is True
        assert services_selected(data) == {"identity", "course", "enrollment"}

    def test_a_docs_change_selects_no_service(self, scratch: Path) -> None:
        change(scratch, "README.md")
        data = affected(scratch)
        assert services_selected(data) == set()
        assert data["layers"] == ["lint"]
