"""What a failed run leaves for whoever has to reproduce it."""

from __future__ import annotations

from pathlib import Path

from edu.fuzz.profiles import NIGHTLY
from edu.fuzz.reproduction import failures_of, write_reproduction
from edu.fuzz.runner import FuzzRun

OUTPUT = """\
 ❌  Fuzzing (in 1.00s)
=================================== FAILURES ===================================
________________________________ POST /courses _________________________________
- Server error
[500] Internal Server Error:
    `{"status":500,"request_id":"78388af8"}`
Reproduce with:
    curl -X POST -d '{"title": "\\u0000"}' http://127.0.0.1:5/courses
    st replay bJye5F
=================================== WARNINGS ===================================
Schema validation mismatch
=================================== SUMMARY ====================================
"""


class TestReproduction:
    def test_the_failures_section_is_cut_out_of_the_output(self) -> None:
        found = failures_of(OUTPUT)
        assert found.startswith("=")
        assert "st replay bJye5F" in found
        assert "WARNINGS" not in found

    def test_reproduce_md_gives_the_seed_the_curl_and_the_service_log(self, tmp_path: Path) -> None:
        folder = tmp_path / "course"
        folder.mkdir()
        run = FuzzRun("course", folder, 1, OUTPUT)
        log = "\n".join(
            [
                "18:33:38.001 INFO    course       started",
                "18:33:38.820 ERROR   course       unhandled error on POST /courses  request_id=78388af8",
                "Traceback (most recent call last):",
                "asyncpg.exceptions.CharacterNotInRepertoireError: invalid byte sequence 0x00",
                "18:33:39.000 INFO    course       something later",
            ]
        )
        written = write_reproduction(run, NIGHTLY, {"course": log})
        text = written.read_text()
        assert f"EDU_FUZZ_SEED={NIGHTLY.seed}" in text
        assert "curl -X POST" in text
        assert "invalid byte sequence" in text
        assert "something later" not in text  # only the failing request's record
        assert "replay <case id>" in text
