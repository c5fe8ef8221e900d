"""Which members use a migrations folder, read from the workspace (selection audit, issue 28)."""

from __future__ import annotations

from pathlib import Path

from edu.cli.affected.scan import migration_readers
from edu.cli.workspace import Member


def member(root: Path, path: str, pyproject: str = "", test: str = "") -> Member:
    folder = root / path
    (folder / "tests" / "integration").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(pyproject)
    if test:
        (folder / "tests" / "integration" / "conftest.py").write_text(test)
    name = "edu-" + path.rsplit("/", 1)[-1]
    return Member(
        path=folder, name=name, module="edu." + name[4:].replace("-", "_"), dependencies=()
    )


def test_declared_migrations_databases_and_test_references_are_readers(tmp_path: Path) -> None:
    for db in ("analytics", "notifications"):
        (tmp_path / "migrations" / db).mkdir(parents=True)
    members = [
        member(
            tmp_path,
            "services/py/analytics-api",
            '[tool.edu.service]\ndatabase = "analytics"\nmigrations = "migrations/analytics"\n',
        ),
        member(
            tmp_path,
            "workers/py/analytics-aggregator",
            '[tool.edu.worker]\ndatabase = "analytics"\n',
        ),
        member(
            tmp_path,
            "services/py/web",
            test='MIGRATIONS = Path(__file__).parents[5] / "migrations" / "analytics"\n',
        ),
        member(tmp_path, "workers/py/email-sender", test='PATH = "migrations/notifications"\n'),
        member(tmp_path, "libs/py/common", test='OTHER = "migrations/payments"\n'),
    ]
    assert migration_readers(tmp_path, members) == {
        "migrations/analytics": {
            "edu-analytics-api": "code",
            "edu-analytics-aggregator": "code",
            "edu-web": "tests",
        },
        "migrations/notifications": {"edu-email-sender": "tests"},
    }


def test_a_member_running_on_the_schema_stays_code_when_its_tests_name_it_too(
    tmp_path: Path,
) -> None:
    (tmp_path / "migrations" / "course").mkdir(parents=True)
    course = member(
        tmp_path,
        "services/py/course",
        '[tool.edu.service]\nmigrations = "migrations/course"\n',
        test='REPO / "migrations" / "course"\n',
    )
    assert migration_readers(tmp_path, [course]) == {"migrations/course": {"edu-course": "code"}}


def test_a_rust_service_declaring_a_database_reads_its_migrations(tmp_path: Path) -> None:
    from edu.cli.affected.graph import RUST, MemberNode
    from edu.cli.affected.scan import rust_migration_readers

    (tmp_path / "migrations" / "payments").mkdir(parents=True)
    crates = []
    for name, metadata in [
        ("payment-engine", '[package.metadata.edu.service]\nport = 8011\ndatabase = "payments"\n'),
        ("api-gateway", "[package.metadata.edu.service]\nport = 8000\n"),
        ("ghost", '[package.metadata.edu.service]\ndatabase = "nowhere"\n'),
    ]:
        folder = tmp_path / "services" / "rs" / name
        folder.mkdir(parents=True)
        (folder / "Cargo.toml").write_text(f'[package]\nname = "{name}"\n{metadata}')
        crates.append(
            MemberNode(
                name=f"rust:{name}",
                path=f"services/rs/{name}",
                runtime=frozenset(),
                tests=frozenset(),
                language=RUST,
            )
        )
    assert rust_migration_readers(tmp_path, crates) == {
        "migrations/payments": {"rust:payment-engine"}
    }
