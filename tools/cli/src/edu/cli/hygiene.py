"""File hygiene checks for the pre-commit hooks (local replacements for the hosted hooks).

``python -m edu.cli.hygiene CHECK FILE...``: trailing-whitespace and end-of-file fix files in
place and fail when they changed something; large-files and merge-conflicts only report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CONFLICT_MARKERS = (b"<<<<<<< ", b"=======\n", b">>>>>>> ")


def trailing_whitespace(path: Path) -> str | None:
    data = path.read_bytes()
    lines = data.split(b"\n")
    fixed = b"\n".join(line.rstrip(b" \t\r") if line.strip() else b"" for line in lines)
    if path.suffix == ".md":  # two trailing spaces are a Markdown line break: leave them
        return None
    if fixed != data:
        path.write_bytes(fixed)
        return f"{path}: trailing whitespace removed"
    return None


def end_of_file(path: Path) -> str | None:
    data = path.read_bytes()
    if not data:
        return None
    fixed = data.rstrip(b"\n") + b"\n"
    if fixed != data:
        path.write_bytes(fixed)
        return f"{path}: fixed the newline at the end of the file"
    return None


def merge_conflicts(path: Path) -> str | None:
    for number, line in enumerate(path.read_bytes().splitlines(keepends=True), start=1):
        if line.startswith(CONFLICT_MARKERS):
            return f"{path}:{number}: merge-conflict marker"
    return None


def large_file(path: Path, max_kib: int) -> str | None:
    size = path.stat().st_size
    if size > max_kib * 1024:
        return f"{path}: {size // 1024} KiB is over the {max_kib} KiB limit"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.cli.hygiene")
    parser.add_argument(
        "check", choices=["trailing-whitespace", "end-of-file", "merge-conflicts", "large-files"]
    )
    parser.add_argument("--max-kib", type=int, default=500)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_intermixed_args(argv)
    problems: list[str] = []
    for path in args.files:
        if not path.is_file():
            continue
        if args.check == "trailing-whitespace":
            found = trailing_whitespace(path)
        elif args.check == "end-of-file":
            found = end_of_file(path)
        elif args.check == "merge-conflicts":
            found = merge_conflicts(path)
        else:
            found = large_file(path, args.max_kib)
        if found:
            problems.append(found)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
