"""Reading Locust's CSV, load profiles as data, and finding the knee of a step run."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli.load.knee import find_knee, steps_of
from edu.cli.load.locust_csv import read_history, read_stats
from edu.cli.load.profiles import ProfileFileError, load_profiles
from edu.cli.load.results import fresh_folder_now

STATS_HEADER = (
    '"Type","Name","Request Count","Failure Count","Median Response Time",'
    '"Average Response Time","Min Response Time","Max Response Time","Average Content Size",'
    '"Requests/s","Failures/s","50%","66%","75%","80%","90%","95%","98%","99%","99.9%",'
    '"99.99%","100%"'
)
HISTORY_HEADER = (
    '"Timestamp","User Count","Type","Name","Requests/s","Failures/s","50%","66%","75%","80%",'
    '"90%","95%","98%","99%","99.9%","99.99%","100%","Total Request Count",'
    '"Total Failure Count","Total Median Response Time","Total Average Response Time",'
    '"Total Min Response Time","Total Max Response Time","Total Average Content Size"'
)


def stats_row(kind: str, name: str, requests: int, failures: int, rps: float, p95: int) -> str:
    return f'"{kind}","{name}",{requests},{failures},8,9,1,90,500,{rps},0,8,9,9,10,12,{p95},30,{p95 * 2},90,90,90'


def history_row(ts: int, users: int, name: str, rps: float, p95: int, failures: int) -> str:
    kind = "" if name == "Aggregated" else name.split()[0]
    label = name if name == "Aggregated" else name.split(" ", 1)[1]
    return f'{ts},{users},"{kind}","{label}",{rps},0,8,9,9,10,12,{p95},30,40,90,90,90,{ts * 10},{failures},8,9,1,90,500'


class TestReadStats:
    def test_reads_each_endpoint_as_method_and_name_and_the_aggregate(self, tmp_path: Path) -> None:
        (tmp_path / "locust_stats.csv").write_text(
            "\n".join(
                [
                    STATS_HEADER,
                    stats_row("GET", "/courses", 200, 2, 5.5, 45),
                    stats_row("", "Aggregated", 300, 2, 7.5, 60),
                ]
            )
            + "\n"
        )
        run = read_stats(tmp_path / "locust")
        courses = run.endpoints["GET /courses"]
        assert (courses.requests, courses.failures, courses.rps, courses.p95_ms) == (
            200,
            2,
            5.5,
            45,
        )
        assert courses.p99_ms == 90
        assert courses.failure_ratio == pytest.approx(0.01)
        assert run.total.rps == 7.5

    def test_a_missing_csv_says_how_locust_should_have_run(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError, match="--csv"):
            read_stats(tmp_path / "locust")


LIMITS = {"POST /enrollments": 100.0}


class TestKnee:
    def write_history(self, tmp_path: Path, plateaus: list[tuple[int, float, int, int]]) -> Path:
        rows, ts = [HISTORY_HEADER], 1000
        for users, rps, p95, failures in plateaus:
            for _ in range(4):
                rows.append(history_row(ts, users, "Aggregated", rps, p95, failures))
                rows.append(history_row(ts, users, "POST /enrollments", rps / 10, p95, failures))
                ts += 1
        (tmp_path / "locust_stats_history.csv").write_text("\n".join(rows) + "\n")
        return tmp_path / "locust"

    def test_the_knee_is_the_last_step_within_the_limits_and_without_failures(
        self, tmp_path: Path
    ) -> None:
        prefix = self.write_history(
            tmp_path, [(10, 9.0, 20, 0), (20, 18.0, 60, 0), (30, 24.0, 150, 0), (40, 25.0, 90, 0)]
        )
        knee = find_knee(steps_of(read_history(prefix), list(LIMITS)), LIMITS)
        assert knee.knee is not None
        assert (knee.knee.users, knee.knee.rps) == (20, 18.0)
        assert "sustainable rate: 18.0 req/s at 20 users" in knee.render(LIMITS)

    def test_seconds_before_the_first_user_spawned_are_no_step(self, tmp_path: Path) -> None:
        prefix = self.write_history(tmp_path, [(0, 0.0, 0, 0), (10, 9.0, 20, 0)])
        steps = steps_of(read_history(prefix), list(LIMITS))
        assert [step.users for step in steps] == [10]

    def test_failures_during_a_step_end_the_sustainable_range(self, tmp_path: Path) -> None:
        prefix = self.write_history(tmp_path, [(10, 9.0, 20, 0), (20, 18.0, 30, 3)])
        knee = find_knee(steps_of(read_history(prefix), list(LIMITS)), LIMITS)
        assert knee.knee is not None
        assert knee.knee.users == 10

    def test_no_knee_when_even_the_first_step_is_over(self, tmp_path: Path) -> None:
        prefix = self.write_history(tmp_path, [(10, 9.0, 300, 0)])
        knee = find_knee(steps_of(read_history(prefix), list(LIMITS)), LIMITS)
        assert knee.knee is None
        assert "no step was sustainable" in knee.render(LIMITS)


class TestLoadProfiles:
    def test_the_repository_profiles_load_and_the_weekly_ones_are_distributed(self) -> None:
        profiles = load_profiles(Path(__file__).parents[4] / "load" / "profiles.toml")
        assert profiles["smoke"].run_time_s <= 60
        assert all(profiles[name].workers > 0 for name in ("ramp", "step", "soak"))
        assert profiles["step"].shape_environment()["EDU_LOAD_SHAPE"] == "step"

    def test_the_q_and_a_users_are_fixed_counts_inside_the_users_and_passed_to_locust(
        self,
    ) -> None:
        profiles = load_profiles(Path(__file__).parents[4] / "load" / "profiles.toml")
        for profile in (profiles["smoke"], profiles["soak"], profiles["qa"]):
            env = profile.shape_environment()
            fixed = int(env["EDU_LOAD_QA_LISTENERS"]) + int(env["EDU_LOAD_QA_POSTERS"])
            assert 0 < fixed <= profile.users
        qa = profiles["qa"]
        assert qa.users == 6  # listeners + posters: no user of the weighted mix
        assert int(qa.qa["listeners"] * qa.qa["connections"]) == 2000
        assert qa.calls("WS qa delivery")
        assert qa.calls("POST /qa/courses/{course_id}/questions")
        assert not qa.calls("GET /courses")
        assert profiles["smoke"].calls("GET /courses")  # no list: every endpoint

    @pytest.mark.parametrize(
        ("table", "message"),
        [
            ('description = "x"\nseed = "S"\nrun_time_s = 10\n', "users >= 1"),
            ('description = "x"\nseed = "XL"\nrun_time_s = 10\nusers = 1\n', "seed"),
            ('description = "x"\nseed = "S"\nrun_time_s = 10\nshape = "zigzag"\n', "shape"),
            ('description = "x"\nseed = "S"\nrun_time_s = 10\nusers = 1\nspeed = 3\n', "speed"),
            (
                'description = "x"\nseed = "S"\nrun_time_s = 10\nusers = 1\nqa = { sockets = 3 }\n',
                "qa",
            ),
        ],
    )
    def test_a_malformed_profile_is_refused(self, tmp_path: Path, table: str, message: str) -> None:
        path = tmp_path / "profiles.toml"
        path.write_text("[profiles.bad]\n" + table)
        with pytest.raises(ProfileFileError, match=message):
            load_profiles(path)


class TestFreshFolderNow:
    def test_empty_at_once_and_the_old_contents_deleted_aside(self, tmp_path: Path) -> None:
        folder = tmp_path / "stack"
        (folder / "pg" / "base").mkdir(parents=True)
        (folder / "pg" / "base" / "1").write_text("data")
        (tmp_path / ".stack-discarded-0badc0de").mkdir()  # a killed run's leftover
        (tmp_path / "other").mkdir()
        deleting = fresh_folder_now(folder)
        assert folder.is_dir()
        assert list(folder.iterdir()) == []
        deleting.join(timeout=10)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "stack"]

    def test_makes_a_folder_that_was_not_there(self, tmp_path: Path) -> None:
        fresh_folder_now(tmp_path / "load" / "stack").join(timeout=10)
        assert (tmp_path / "load" / "stack").is_dir()
