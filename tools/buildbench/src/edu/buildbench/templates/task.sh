#!/usr/bin/env bash
# One task of one project, the same command whichever tool schedules it (installed by
# edu.buildbench into the measurement tree as .buildbench/task.sh; never run in the checkout).
# usage: task.sh TASK LANGUAGE PROJECT_PATH PACKAGE
set -euo pipefail
task=$1 language=$2 path=$3 package=$4
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
source "$root/.buildbench/env.sh"
export PATH="$root/.venv/bin:$PATH"
cd "$root"
case "$language:$task" in
python:lint)
    ruff check --no-fix --quiet "$path"
    ruff format --check --quiet "$path"
    ;;
python:typecheck)
    targets=(src)
    if [ -d "$path/tests" ]; then targets+=(tests); fi
    cd "$path"
    MYPYPATH=src mypy --config-file "$root/pyproject.toml" --cache-dir "$root/.mypy_cache/buildbench" "${targets[@]}"
    ;;
python:unit)
    rc=0
    # Tests red on the measured commit (named in the report), left out so every run is alike.
    deselect=()
    while read -r test; do
        if [[ "$test" == "$path/"* ]]; then deselect+=(--deselect "$test"); fi
    done < "$root/.buildbench/deselect.txt"
    PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 python -m pytest "$path/tests/unit" -q -p no:cacheprovider \
        -p asyncio -p hypothesispytest -p edu_gc_freeze "${deselect[@]}" || rc=$?
    # 5: the folder holds no tests yet (a placeholder), not a failure.
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then exit "$rc"; fi
    ;;
python:build)
    rm -rf "$path/dist"
    uv build --quiet --wheel --out-dir "$path/dist" "$path"
    ;;
rust:lint)
    cargo fmt --check -p "$package"
    ;;
rust:build)
    cargo build --quiet -p "$package"
    ;;
*)
    echo "task.sh: no task $task for $language" >&2
    exit 2
    ;;
esac
