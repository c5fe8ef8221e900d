"""`edu proto check` catches a broken contract: the scripted demonstration CI runs.

Each test copies the real proto/ module into a throwaway git repository whose `main` holds the
original, changes the working tree the way a careless edit would, and runs the same gate
functions `edu proto check` runs (real buf, real git).
"""

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from edu.cli import proto
from edu.cli.workspace import find_root

REAL_PROTO = find_root(Path(__file__).parent) / "proto"
COURSE = Path("proto/edu/course/v1/course_service.proto")
ENVELOPE = Path("proto/edu/events/v1/envelope.proto")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose main branch holds today's proto/ module."""
    shutil.copytree(REAL_PROTO, tmp_path / "proto")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", "proto")
    git(tmp_path, "commit", "--quiet", "-m", "contracts")
    return tmp_path


Edit = Callable[[Path, str, str], None]


@pytest.fixture
def edit() -> Edit:
    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text, f"{old!r} is not in {path}: the demonstration needs updating"
        path.write_text(text.replace(old, new, 1))

    return replace


class TestBreakingChanges:
    def test_passes_when_nothing_changed(self, repo: Path) -> None:
        outcome = proto.breaking(repo)
        assert outcome.ok, outcome.output

    def test_fails_when_a_field_changes_type(self, repo: Path, edit: Edit) -> None:
        edit(repo / COURSE, "int32 position = 3;", "string position = 3;")
        outcome = proto.breaking(repo)
        assert not outcome.ok
        assert 'name "position" on message "Lesson" changed type from "int32" to "string"' in (
            outcome.output
        )
        assert "course_service.proto" in outcome.output

    def test_fails_when_a_field_is_removed(self, repo: Path, edit: Edit) -> None:
        edit(repo / COURSE, "  int32 position = 3;\n", "")
        outcome = proto.breaking(repo)
        assert not outcome.ok
        assert 'Previously present field "3" with name "position" on message "Lesson"' in (
            outcome.output
        )

    def test_fails_when_an_event_payload_disappears(self, repo: Path, edit: Edit) -> None:
        edit(repo / ENVELOPE, "    CourseCompleted course_completed = 15;\n", "")
        outcome = proto.breaking(repo)
        assert not outcome.ok
        assert "course_completed" in outcome.output

    def test_passes_when_a_field_is_added(self, repo: Path, edit: Edit) -> None:
        edit(
            repo / COURSE,
            "  int32 position = 3;\n",
            "  int32 position = 3;\n  // Minutes it takes.\n  int32 duration_minutes = 4;\n",
        )
        outcome = proto.breaking(repo)
        assert outcome.ok, outcome.output

    def test_says_so_and_passes_when_main_has_no_proto_module_yet(self, tmp_path: Path) -> None:
        (tmp_path / "README.md").write_text("first commit\n")
        git(tmp_path, "init", "--quiet", "--initial-branch=main")
        git(tmp_path, "add", "README.md")
        git(tmp_path, "commit", "--quiet", "-m", "first")
        shutil.copytree(REAL_PROTO, tmp_path / "proto")
        outcome = proto.breaking(tmp_path)
        assert outcome.ok
        assert "has no proto/ module yet" in outcome.output

    def test_fails_with_advice_when_there_is_no_base_branch(self, tmp_path: Path) -> None:
        git(tmp_path, "init", "--quiet", "--initial-branch=trunk")
        outcome = proto.breaking(tmp_path)
        assert not outcome.ok
        assert "EDU_CONTRACTS_BASE" in outcome.output


class TestLint:
    def test_passes_on_the_real_module(self, repo: Path) -> None:
        outcome = proto.lint(repo)
        assert outcome.ok, outcome.output

    def test_fails_on_a_field_name_that_is_not_snake_case(self, repo: Path, edit: Edit) -> None:
        edit(repo / COURSE, "int32 position = 3;", "int32 Position = 3;")
        outcome = proto.lint(repo)
        assert not outcome.ok
        assert 'Field name "Position" should be lower_snake_case' in outcome.output
