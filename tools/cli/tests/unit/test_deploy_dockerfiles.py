"""The Dockerfile rules of `edu deploy check` that hadolint leaves out: planted defects caught."""

from __future__ import annotations

from pathlib import Path

from edu.cli.deploy import dockerfiles

GOOD = """\
ARG BUILD_IMAGE=localhost/eduplatform/python-build:3.11
FROM ${BUILD_IMAGE} AS venv
RUN uv sync --frozen \\
    --no-dev
FROM localhost/eduplatform/python-runtime:3.11
COPY --from=venv /app/.venv /app/.venv
USER 65532:65532
ENTRYPOINT ["/app/.venv/bin/python"]
"""


def _rules(text: str) -> list[str]:
    return [finding.rule for finding in dockerfiles.check_text(text, "Dockerfile")]


class TestDockerfileRules:
    def test_a_pinned_multi_stage_non_root_image_passes(self) -> None:
        assert _rules(GOOD) == []

    def test_catches_an_image_that_never_sets_user(self) -> None:
        assert _rules(GOOD.replace("USER 65532:65532\n", "")) == ["user-root"]

    def test_catches_a_final_user_root(self) -> None:
        assert _rules(GOOD.replace("USER 65532:65532", "USER root")) == ["user-root"]
        assert _rules(GOOD.replace("USER 65532:65532", "USER 0:0")) == ["user-root"]

    def test_a_user_in_an_earlier_stage_does_not_count(self) -> None:
        text = GOOD.replace("USER 65532:65532\n", "").replace("RUN uv", "USER 1000\nRUN uv")
        assert _rules(text) == ["user-root"]

    def test_catches_a_latest_base(self) -> None:
        text = GOOD.replace("python-runtime:3.11", "python-runtime:latest")
        assert _rules(text) == ["base-tag"]

    def test_catches_an_untagged_base(self) -> None:
        assert _rules(GOOD.replace("python-runtime:3.11", "python-runtime")) == ["base-tag"]

    def test_stage_names_and_scratch_need_no_tag(self) -> None:
        text = "FROM debian:12 AS rootfs\nFROM scratch AS runtime\nFROM runtime\nUSER 1\n"
        assert _rules(text) == []


class TestFindingDockerfiles:
    def test_finds_every_naming_and_skips_virtualenvs(self, tmp_path: Path) -> None:
        for name in ("a/Dockerfile", "b/python.Dockerfile", "c/Containerfile", ".venv/Dockerfile"):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("FROM scratch\n")
        (tmp_path / "notes.md").write_text("")
        found = [p.relative_to(tmp_path).as_posix() for p in dockerfiles.find(tmp_path)]
        assert found == ["a/Dockerfile", "b/python.Dockerfile", "c/Containerfile"]
