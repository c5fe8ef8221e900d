from pathlib import Path

from edu.cli.depcheck import DistributionMap, check_member, requirement_name
from edu.cli.workspace import Member


def member(tmp_path: Path, deps: tuple[str, ...], code: str, test_code: str = "") -> Member:
    src = tmp_path / "src" / "edu" / "demo"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text(code)
    if test_code:
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_demo.py").write_text(test_code)
    return Member(path=tmp_path, name="edu-demo", module="edu.demo", dependencies=deps)


OTHER = Member(path=Path("/x"), name="edu-common", module="edu.common", dependencies=())
DISTS = {"fastapi": ["fastapi"], "yaml": ["PyYAML"], "pytest": ["pytest"]}


def check(m: Member) -> list[str]:
    dists = DistributionMap([m, OTHER], extra=DISTS)
    return [str(p) for p in check_member(m, dists, root_dev=["pytest"])]


def test_flags_an_import_its_member_does_not_declare(tmp_path: Path) -> None:
    problems = check(member(tmp_path, ("fastapi",), "import fastapi\nimport yaml\n"))
    assert len(problems) == 1
    assert "imports 'yaml'" in problems[0]


def test_resolves_the_edu_namespace_to_workspace_members(tmp_path: Path) -> None:
    undeclared = check(member(tmp_path / "a", (), "from edu.common.clock import Clock\n"))
    assert undeclared == [
        f"edu-demo: imports 'edu.common.clock' ({tmp_path}/a/src/edu/demo/__init__.py:1) "
        "but does not declare it"
    ]
    declared = member(tmp_path / "b", ("edu-common",), "from edu.common.clock import Clock\n")
    assert check(declared) == []


def test_stdlib_and_own_package_imports_are_fine(tmp_path: Path) -> None:
    assert check(member(tmp_path, (), "import json, os.path\nfrom edu.demo import x\n")) == []


def test_flags_a_declared_dependency_that_is_never_imported(tmp_path: Path) -> None:
    problems = check(member(tmp_path, ("fastapi", "PyYAML>=6"), "import fastapi\n"))
    assert problems == [
        "edu-demo: declares 'pyyaml' but never imports it (list it under [tool.edu] "
        "unused-dependencies-ok if it is needed at run time)"
    ]


def test_tests_may_use_dev_tools_but_not_undeclared_packages(tmp_path: Path) -> None:
    m = member(tmp_path, (), "", test_code="import pytest\nimport yaml\n")
    problems = check(m)
    assert len(problems) == 1
    assert "imports 'yaml'" in problems[0]


def test_reads_names_from_requirement_strings() -> None:
    assert requirement_name("SQLAlchemy[asyncio]>=2.0") == "sqlalchemy"
    assert requirement_name("pydantic_settings ; python_version>'3'") == "pydantic-settings"
