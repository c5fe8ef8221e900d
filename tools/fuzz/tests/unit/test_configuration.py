"""The schemathesis configuration: every check on, the profile's budget, reasons required."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis

from edu.fuzz.configuration import (
    ALL_CHECKS,
    Exclusion,
    InvalidExclusion,
    ServicePlan,
    schemathesis_config,
)
from edu.fuzz.plans import EXCLUSIONS, JOURNEY, service_plan
from edu.fuzz.profiles import NIGHTLY, PR

AUTH = Path("/tmp/auth.json")


class TestExclusions:
    def test_a_reason_of_a_few_words_is_required(self) -> None:
        with pytest.raises(InvalidExclusion, match="written reason"):
            Exclusion("GET /x", "ignored_auth", "flaky")

    def test_only_known_checks_can_be_relaxed(self) -> None:
        with pytest.raises(InvalidExclusion, match="no check named"):
            Exclusion("GET /x", "not_a_check", "because this one is not a real check")

    def test_a_tolerance_keeps_the_check_on_and_adds_statuses(self) -> None:
        tolerance = Exclusion(
            "POST /x", "positive_data_acceptance", "rules no schema can state", ("422",)
        )
        setting = tolerance.as_operation_config()["checks"]["positive_data_acceptance"]
        assert "enabled" not in setting
        assert setting["expected-statuses"][-1] == "422"
        assert "2xx" in setting["expected-statuses"]

    def test_a_check_switched_off_is_switched_off_for_that_operation_only(self) -> None:
        off = [e for plan in EXCLUSIONS.values() for e in plan if not e.also_expected]
        assert off, "no exclusion to look at"
        setting = off[0].as_operation_config()
        assert setting["include-name"] == off[0].operation
        assert setting["checks"] == {off[0].check: {"enabled": False}}


class TestSchemathesisConfig:
    @pytest.mark.parametrize("name", sorted(EXCLUSIONS))
    def test_schemathesis_accepts_every_service_plan(self, name: str) -> None:
        plan = service_plan(name)
        config = schemathesis_config(PR, plan, AUTH if plan.users else None)
        schemathesis.Config.from_dict(config)  # raises on anything it does not understand

    def test_the_gateways_own_endpoints_are_fuzzed_without_users(self) -> None:
        plan = service_plan("api-gateway")
        assert plan.users == ()
        assert "auth" not in schemathesis_config(PR, plan, None)
        assert "auth" in schemathesis_config(PR, service_plan("course"), AUTH)

    def test_every_check_is_on_with_a_hang_detector(self) -> None:
        config = schemathesis.Config.from_dict(
            schemathesis_config(PR, service_plan("course"), AUTH)
        )
        checks = config.projects.get_default().checks
        assert all(
            checks.get_by_name(name=n).enabled for n in ALL_CHECKS if n != "max_response_time"
        )
        assert checks.max_response_time.limit is not None

    def test_pr_is_derandomised_and_nightly_is_not(self) -> None:
        plan = ServicePlan("x", users=("student",))
        assert schemathesis_config(PR, plan, AUTH)["generation"]["deterministic"] is True
        assert schemathesis_config(NIGHTLY, plan, AUTH)["generation"]["deterministic"] is False

    def test_the_journey_only_walks_links_on_valid_data(self) -> None:
        config = schemathesis_config(PR, JOURNEY, AUTH)
        assert config["phases"]["fuzzing"] == {"enabled": False}
        assert config["phases"]["stateful"]["generation"]["mode"] == "positive"

    def test_enrollment_draws_seeded_courses(self) -> None:
        from uuid import uuid4

        from edu.testing.journeys import Course

        seeded = Course(str(uuid4()), (str(uuid4()),))
        config = schemathesis_config(PR, service_plan("enrollment", [seeded]), AUTH)
        assert config["dictionaries"]["published_courses"]["values"] == [seeded.id]
        assert config["dictionaries"]["seeded_lessons"]["values"] == list(seeded.lesson_ids)
        assert config["parameters"]["body.course_id"]["dictionary"] == "published_courses"
