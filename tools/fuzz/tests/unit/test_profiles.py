"""Choosing how hard to fuzz: pr by default, nightly on request, seeds replayable."""

from __future__ import annotations

import pytest

from edu.fuzz.profiles import NIGHTLY, PR, UnknownProfile, profile_from_environment


class TestProfileFromEnvironment:
    def test_pr_is_the_default_with_its_fixed_seed(self) -> None:
        assert profile_from_environment({}) == PR

    def test_nightly_draws_a_new_seed_each_run(self) -> None:
        first = profile_from_environment({"EDU_FUZZ_PROFILE": "nightly"})
        second = profile_from_environment({"EDU_FUZZ_PROFILE": "nightly"})
        assert first.max_examples == NIGHTLY.max_examples
        assert first.seed != second.seed

    def test_a_given_seed_replays_a_run(self) -> None:
        chosen = profile_from_environment({"EDU_FUZZ_PROFILE": "nightly", "EDU_FUZZ_SEED": "42"})
        assert chosen.seed == 42
        assert "EDU_FUZZ_SEED=42" in chosen.describe()

    @pytest.mark.parametrize(
        "environ",
        [{"EDU_FUZZ_PROFILE": "weekly"}, {"EDU_FUZZ_SEED": "forty-two"}],
    )
    def test_unknown_profiles_and_bad_seeds_are_refused(self, environ: dict[str, str]) -> None:
        with pytest.raises(UnknownProfile):
            profile_from_environment(environ)
