"""`edu seed` says where its wall time goes, not only the seeding's part."""

from __future__ import annotations

from edu.cli.seed import Timings


class TestTimings:
    def test_the_parts_add_up_to_the_whole_and_the_rest_is_named(self) -> None:
        timings = Timings(
            starting=1.0,
            finding_postgres=0.2,
            migrating=1.5,
            seed_process=12.0,
            seeding=9.0,
            total=14.9,
        )

        line = timings.render()

        assert line.startswith("edu seed took 14.9 s:")
        assert "1.0 s starting edu" in line
        assert "0.2 s finding PostgreSQL" in line
        assert "1.5 s creating and migrating the databases" in line
        assert "12.0 s in python -m edu.seed (9.0 s seeding, 3.0 s starting it and exiting)" in line
        assert "0.2 s other" in line

    def test_without_the_seeds_own_figure_the_process_is_one_part(self) -> None:
        line = Timings(1.0, 0.2, 1.5, 12.0, None, 14.7).render()

        assert "12.0 s in python -m edu.seed" in line
        assert "other" not in line  # nothing left over worth naming
