"""What each tool's summary says about its cache."""

from pathlib import Path

from edu.buildbench.runner import Layout, cache_counts, missing_tools


class TestCacheCounts:
    def test_turbo(self) -> None:
        output = " Tasks:    129 successful, 129 total\nCached:    120 cached, 129 total\n"

        assert cache_counts("turbo", output) == (120, 129)

    def test_nx(self) -> None:
        output = " NX   Successfully ran targets\n  Cache:             3/100 hit (3%)\n"

        assert cache_counts("nx", output) == (3, 100)

    def test_moon_with_and_without_cached_tasks(self) -> None:
        assert cache_counts("moon", "Tasks: 100 completed (98 cached)\n Time: 2s") == (98, 100)
        assert cache_counts("moon", "Tasks: 1 completed\n Time: 72ms") == (0, 1)

    def test_edu_run_never_caches(self) -> None:
        assert cache_counts("just+edu", "edu_run: 12 tasks for 3 projects\n") == (0, 12)

    def test_an_unreadable_summary_is_unknown_not_zero(self) -> None:
        assert cache_counts("turbo", "error: something broke") == (None, None)


class TestMissingTools:
    def test_every_pinned_tool_is_missing_in_a_new_home(self, tmp_path: Path) -> None:
        assert missing_tools(Layout(tmp_path)) == [
            "turbo@2.11.13",
            "nx@24.0.7",
            "@moonrepo/cli@2.5.5",
        ]

    def test_an_installed_tool_is_not_installed_again(self, tmp_path: Path) -> None:
        package = tmp_path / "node" / "node_modules" / "@moonrepo" / "cli" / "package.json"
        package.parent.mkdir(parents=True)
        package.write_text("{}")

        assert missing_tools(Layout(tmp_path)) == ["turbo@2.11.13", "nx@24.0.7"]
