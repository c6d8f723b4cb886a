#!/usr/bin/env bash
# Builds the Python package from source into a virtual environment and runs its tests.
#
#   bash python/run_tests.sh            # from the repository root (or from python/)
#
# Needs only the Rust toolchain, Python 3.9+ with pip and venv, a C linker, and PyPI.
# Environment: PYTHON (default python3.11, else python3), TSETLIN_VENV (default python/.venv),
# TSETLIN_PY_PROFILE (cargo profile of the extension: "release" by default, as `pip install`
# builds it; "dev" builds faster, the engine crate is optimised in both), TSETLIN_EXTRAS (the
# package extras installed for the tests: "test,spark,ray" by default, so that the Spark and
# Ray tests run against a real local Spark (it needs Java) and a real local Ray; "test" alone
# skips them, saying why; TSETLIN_REQUIRE_ENGINES=1, as CI sets, makes their absence a failure).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-$(command -v python3.11 || command -v python3)}"
venv="${TSETLIN_VENV:-$here/.venv}"
profile="${TSETLIN_PY_PROFILE:-release}"
extras="${TSETLIN_EXTRAS:-test,spark,ray}"

start=$(date +%s)
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
# maturin is the PEP 517 backend (pulled in by pip); the extension's cargo build shares the
# workspace's target/ folder.
MATURIN_PEP517_ARGS="--profile $profile" \
    "$venv/bin/python" -m pip install --quiet "$here[$extras]"
echo "run_tests.sh: installed in $(( $(date +%s) - start ))s"

# bin/pytest, not `python -m pytest`: the latter puts the current folder on sys.path, and the
# source folder python/tsetlin (without the compiled extension) would shadow the installed one.
# From tests/ for the same reason: Spark's and Ray's worker processes put the current folder on
# their sys.path.
cd "$here/tests"
"$venv/bin/pytest" -q -p no:cacheprovider "$here/tests" "$@"
