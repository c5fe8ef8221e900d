from pathlib import Path

from edu.cli.hygiene import main


def test_trailing_whitespace_is_removed_and_reported(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text("x = 1   \ny = 2\n")
    assert main(["trailing-whitespace", str(f)]) == 1
    assert f.read_text() == "x = 1\ny = 2\n"
    assert main(["trailing-whitespace", str(f)]) == 0


def test_missing_final_newline_is_added(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("hello")
    assert main(["end-of-file", str(f)]) == 1
    assert f.read_text() == "hello\n"


def test_conflict_markers_fail(tmp_path: Path) -> None:
    f = tmp_path / "a.py"
    f.write_text("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> branch\n")
    assert main(["merge-conflicts", str(f)]) == 1


def test_large_files_fail_above_the_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.bin"
    f.write_bytes(b"0" * 2048)
    assert main(["large-files", "--max-kib", "1", str(f)]) == 1
    assert main(["large-files", "--max-kib", "4", str(f)]) == 0
