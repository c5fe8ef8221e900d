import json
from pathlib import Path

import pytest

from edu.cli.mutation import floor, mutmut_runner, results, targets
from edu.cli.report.health import compute
from edu.cli.report.page import render
from edu.cli.workspace import Member

# A mutated module as mutmut 3 writes it: the original and each mutant side by side, under
# mangled names (x_<function>, xǁ<Class>ǁ<method>), dispatched by a trampoline.
MUTATED_MODULE = """
def x_may_enrol__mutmut_orig(seats: int, taken: int) -> bool:
    return taken < seats


def x_may_enrol__mutmut_1(seats: int, taken: int) -> bool:
    return taken <= seats


def x_may_enrol__mutmut_2(seats: int, taken: int) -> bool:
    return taken > seats


class Course:
    def xǁCourseǁpublish__mutmut_orig(self) -> None:
        self.published = True

    def xǁCourseǁpublish__mutmut_1(self) -> None:
        self.published = False
"""
REAL_MODULE = """
def may_enrol(seats: int, taken: int) -> bool:
    return taken < seats


class Course:
    def publish(self) -> None:
        self.published = True
"""


def member(root: Path, name: str = "course") -> Member:
    path = root / "services" / "py" / name
    return Member(
        path=path, name=f"edu-{name}", module=f"edu.{name.replace('-', '_')}", dependencies=()
    )


def write_module(root: Path, relative: str, text: str = "X = 1\n") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def result(package: str = "course.domain", **counts: int) -> results.PackageResult:
    return results.PackageResult(
        package=package,
        member="services/py/course",
        scope="full",
        files=("services/py/course/src/edu/course/domain/rules.py",),
        killed=counts.get("killed", 8),
        timeout=counts.get("timeout", 0),
        survived=counts.get("survived", 2),
        no_tests=counts.get("no_tests", 0),
        other=counts.get("other", 0),
        seconds=12.5,
        started_at="2026-12-06T10:00:00",
        tool="mutmut 3.8.1",
        survivors=(
            results.Mutant(
                id="edu.course.domain.rules.x_may_enrol__mutmut_1",
                status="survived",
                file="services/py/course/src/edu/course/domain/rules.py",
                line=2,
                function="may_enrol",
                diff="-    return taken < seats\n+    return taken <= seats",
            ),
        ),
    )


class TestScore:
    def test_killed_and_timed_out_mutants_count_as_detected(self) -> None:
        assert result(killed=6, timeout=2, survived=2).score == pytest.approx(0.8)

    def test_a_mutant_no_test_reaches_counts_against_the_score(self) -> None:
        assert result(killed=8, survived=0, no_tests=2).score == pytest.approx(0.8)

    def test_mutants_mutmut_did_not_judge_are_left_out(self) -> None:
        r = result(killed=8, survived=2, other=5)
        assert r.score == pytest.approx(0.8)
        assert r.total == 15

    def test_no_judged_mutant_has_no_score(self) -> None:
        assert result(killed=0, survived=0).score is None

    @pytest.mark.parametrize(
        ("code", "status"),
        [(1, "killed"), (0, "survived"), (33, "no tests"), (36, "timeout"), (None, "other")],
    )
    def test_mutmut_exit_codes_map_to_statuses(self, code: int | None, status: str) -> None:
        assert results.status_of(code) == status

    def test_a_result_survives_its_json_file(self, tmp_path: Path) -> None:
        results.write(tmp_path, result())
        (tmp_path / "torn.json").write_text('{"package": "x", ')
        assert results.read_all(tmp_path) == [result()]


class TestFloor:
    def write_floors(self, root: Path, text: str) -> floor.Floors:
        write_module(root, "tests/mutation-floor.toml", text)
        return floor.load(root)

    def test_a_package_under_its_floor_fails_the_gate(self, tmp_path: Path) -> None:
        floors = self.write_floors(tmp_path, '[floors]\n"course.domain" = 81\n')
        [problem] = floor.judge([result(killed=8, survived=2)], floors)
        assert "course.domain: mutation score 80.0% is under its floor 81 %" in problem

    def test_a_package_at_its_floor_passes(self, tmp_path: Path) -> None:
        floors = self.write_floors(tmp_path, '[floors]\n"course.domain" = 80\n')
        assert floor.judge([result(killed=8, survived=2)], floors) == []

    def test_a_package_without_a_floor_is_told_to_set_one(self, tmp_path: Path) -> None:
        floors = self.write_floors(tmp_path, "goal = 80\n[floors]\n")
        [problem] = floor.judge([result(killed=7, survived=3)], floors)
        assert "no floor" in problem
        assert problem.endswith(": 70")

    def test_a_floor_is_a_percent(self, tmp_path: Path) -> None:
        with pytest.raises(floor.FloorError):
            self.write_floors(tmp_path, '[floors]\n"course.domain" = 0.8e3\n')

    def test_the_first_floor_is_the_score_rounded_down(self) -> None:
        assert (floor.first_floor(0.658), floor.first_floor(0.8)) == (65, 80)


class TestTargets:
    def test_only_domain_and_service_layer_of_services_and_workers(self, tmp_path: Path) -> None:
        course = member(tmp_path)
        write_module(tmp_path, "services/py/course/src/edu/course/domain/rules.py")
        write_module(tmp_path, "services/py/course/src/edu/course/domain/__init__.py")
        write_module(tmp_path, "services/py/course/src/edu/course/adapters/db.py")
        lib = Member(tmp_path / "libs" / "py" / "common", "edu-common", "edu.common", ())
        write_module(tmp_path, "libs/py/common/src/edu/common/domain/x.py")
        found = targets.mutated_packages([course, lib])
        assert [(p.name, [f.name for f in p.files()]) for p in found] == [
            ("course.domain", ["rules.py"])
        ]

    def test_a_pull_request_mutates_only_its_changed_files(self, tmp_path: Path) -> None:
        course, identity = member(tmp_path), member(tmp_path, "identity")
        changed = write_module(tmp_path, "services/py/course/src/edu/course/domain/rules.py")
        write_module(tmp_path, "services/py/course/src/edu/course/service_layer/uc.py")
        write_module(tmp_path, "services/py/identity/src/edu/identity/domain/user.py")
        packages = targets.mutated_packages([course, identity])
        [target] = targets.select(packages, changed={changed})
        assert (target.member, target.files) == (course, [changed])

    def test_a_member_name_selects_both_its_packages(self, tmp_path: Path) -> None:
        write_module(tmp_path, "services/py/course/src/edu/course/domain/rules.py")
        write_module(tmp_path, "services/py/course/src/edu/course/service_layer/uc.py")
        packages = targets.mutated_packages([member(tmp_path)])
        [target] = targets.select(packages, ["course"])
        assert [p.name for p in target.packages] == ["course.domain", "course.service_layer"]
        assert targets.unknown_names(packages, ["course.domain", "curse"]) == ["curse"]


class TestCollect:
    def test_survivors_are_listed_with_their_diff_and_place(self, tmp_path: Path) -> None:
        root, work = tmp_path / "repo", tmp_path / "work"
        relative = "services/py/course/src/edu/course/domain/rules.py"
        source = write_module(root, relative, REAL_MODULE)
        mutated = write_module(work, "mutants/src/edu/course/domain/rules.py", MUTATED_MODULE)
        key = "edu.course.domain.rules."
        mutated.with_name("rules.py.meta").write_text(
            json.dumps(
                {
                    "exit_code_by_key": {
                        key + "x_may_enrol__mutmut_1": 0,
                        key + "x_may_enrol__mutmut_2": 1,
                        key + "xǁCourseǁpublish__mutmut_1": 33,
                    }
                }
            )
        )
        [package] = targets.mutated_packages([member(root)])
        target = targets.Target(package.member, (package,))
        info = mutmut_runner.RunInfo(3.0, "2026-12-06T10:00:00", "mutmut 3.8.1")
        [found] = mutmut_runner.collect(target, work, root, info)
        assert (found.killed, found.survived, found.no_tests, found.files) == (1, 1, 1, (relative,))
        first, second = found.survivors
        assert (first.function, first.line, first.file) == ("may_enrol", 2, relative)
        assert "-    return taken < seats\n+    return taken <= seats" in first.diff
        assert "def may_enrol(" in first.diff  # the real name, not mutmut's mangled one
        assert (second.function, second.status, second.line) == ("Course.publish", "no tests", 7)
        assert "+    self.published = False" in second.diff
        assert source.read_text() == REAL_MODULE

    def test_the_configuration_mutates_only_the_target_files(self, tmp_path: Path) -> None:
        changed = write_module(tmp_path, "services/py/course/src/edu/course/domain/rules.py")
        write_module(tmp_path, "services/py/course/src/edu/course/domain/other.py")
        [package] = targets.mutated_packages([member(tmp_path)])
        target = targets.Target(package.member, (package,), only=(changed,))
        text = mutmut_runner.configuration(
            target, {"addopts": ["--import-mode=importlib", "--strict-config"]}
        )
        assert 'only_mutate = ["src/edu/course/domain/rules.py"]' in text
        assert 'addopts = ["--import-mode=importlib"]' in text
        assert 'pytest_add_cli_args_test_selection = ["tests/unit"]' in text


class TestReport:
    def test_the_page_shows_each_score_against_its_floor_and_the_survivors(
        self, tmp_path: Path
    ) -> None:
        results.write(tmp_path / "mutation", result(killed=7, survived=3))
        html = render(compute(tmp_path, mutation_floors={"course.domain": 75}), "now")
        mutation = html[html.index("<h2>Mutation</h2>") :]
        assert '<span class="under">70.0%</span>' in mutation
        assert "<td class=num>75 %</td>" in mutation
        assert "services/py/course/src/edu/course/domain/rules.py:2</code> may_enrol" in mutation
        assert "+    return taken &lt;= seats" in mutation

    def test_the_page_says_how_to_get_a_first_mutation_run(self, tmp_path: Path) -> None:
        assert "No mutation run yet" in render(compute(tmp_path), "now")
