"""Who can log in after a seed: the manifest for tools, the lines people read."""

from __future__ import annotations

from edu.seed.manifest import login_info, manifest
from edu.seed.plan import plan_for
from edu.seed.sizes import SeedSize
from edu.seed.specs import SEED_PASSWORD

SMALL = SeedSize("small", courses=10, students=40)


class TestLoginInfo:
    def test_names_the_password_and_seeded_teachers_and_students_to_log_in_as(self) -> None:
        plan = plan_for(SMALL)

        text = login_info(plan)

        assert f"password: {SEED_PASSWORD}" in text
        assert plan.teachers[0].email in text
        assert plan.students[0].email in text
        assert "2 teachers" in text
        assert "40 students" in text
        assert "--manifest" in text  # where to find every one of them

    def test_agrees_with_the_manifest(self) -> None:
        plan = plan_for(SMALL)
        listed = manifest(plan)
        assert str(listed["password"]) in login_info(plan)
