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
        written = write_reproduction(
            run, NIGHTLY, {"course": "Traceback ... invalid byte sequence 0x00"}
        )
        text = written.read_text()
        assert f"EDU_FUZZ_SEED={NIGHTLY.seed}" in text
        assert "curl -X POST" in text
        assert "invalid byte sequence" in text
        assert "replay <case id>" in text
