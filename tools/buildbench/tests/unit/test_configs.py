"""Each tool's configuration declares the same graph: tasks, inputs, dependencies."""

import json

from edu.buildbench.configs import config_lines, moon_files, nx_files, task_command, turbo_files
from edu.buildbench.graph import Project

COMMON = Project("edu-common", "libs/py/common", "python", "edu-common", (), True)
COURSE = Project("edu-course", "services/py/course", "python", "edu-course", ("edu-common",), True)
RS_COMMON = Project("rust:edu-common", "libs/rs/common", "rust", "edu-common", (), False)
PROJECTS = [COMMON, COURSE, RS_COMMON]


def test_package_scripts_reach_the_task_script_from_the_package_folder() -> None:
    assert task_command(COURSE, "unit", from_root=False) == (
        "bash ../../../.buildbench/task.sh unit python services/py/course edu-course"
    )


class TestTurbo:
    def test_a_package_depends_on_its_workspace_dependencies(self) -> None:
        files = turbo_files(PROJECTS)
        course = json.loads(files["services/py/course/package.json"])

        assert course["dependencies"] == {"edu-common": "*"}
        assert set(course["scripts"]) == {"lint", "typecheck", "unit", "build"}

    def test_rust_crates_override_inputs_with_cargo_files_and_cache_no_outputs(self) -> None:
        crate = json.loads(turbo_files(PROJECTS)["libs/rs/common/turbo.json"])

        assert "$TURBO_ROOT$/Cargo.lock" in crate["tasks"]["build"]["inputs"]
        assert crate["tasks"]["build"]["outputs"] == []


class TestNx:
    def test_typecheck_reads_the_dependencies_sources_lint_does_not(self) -> None:
        course = json.loads(nx_files(PROJECTS)["services/py/course/project.json"])

        assert course["targets"]["typecheck"]["inputs"] == ["python", "^python"]
        assert course["targets"]["lint"]["inputs"] == ["python"]
        assert course["implicitDependencies"] == ["edu-common"]


class TestMoon:
    def test_typecheck_inputs_name_the_dependency_folders(self) -> None:
        course = moon_files(PROJECTS)["services/py/course/moon.yml"]

        typecheck = course.split("  typecheck:")[1].split("  unit:")[0]
        assert "'/libs/py/common/**/*'" in typecheck
        assert "dependsOn:\n  - 'edu-common'" in course

    def test_the_workspace_maps_ids_to_folders(self) -> None:
        workspace = moon_files(PROJECTS)[".moon/workspace.yml"]

        assert "  rs-edu-common: 'libs/rs/common'" in workspace


def test_config_size_counts_every_line_of_every_file() -> None:
    assert config_lines({"a": "1\n2\n", "b": "3\n"}) == 3
