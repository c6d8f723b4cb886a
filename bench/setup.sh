#!/usr/bin/env bash
# Create bench/.venv with the pinned Python Tsetlin-machine libraries and scikit-learn.
# Idempotent: each package is installed only if the wanted version is not already there.
# pyTsetlinMachineParallel goes into bench/.venv/pytmp (pip --target) because it installs a
# top-level module `libTM` that clashes with pyTsetlinMachine; tm_others.py puts that folder on
# sys.path only in the process that benchmarks it.
# Optional: LSTM=1 (or TORCH=1) also installs PyTorch for bench/lstm_baseline.py, from PyPI as
# plain `pip install torch`: the Linux wheel pulls the CUDA libraries too (about 3 GB to download,
# 5.3 GB installed, about a minute here); the LSTM runs on the CPU all the same.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
PY="${PYTHON:-python3}"
START=$(date +%s)

# Pins. scikit-learn/scipy: the versions that installed on Python 3.11 with numpy<2.
TMU_VER=0.8.3
GREEN_VER=1.1.0
PYTMP_VER=0.2.1
SKLEARN_VER=1.9.1
SCIPY_VER=1.17.1
NUMPY_SPEC='numpy<2'
PANDAS_SPEC='pandas<3'
TORCH_VER=2.15.0

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating virtualenv $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
fi
VPY="$VENV/bin/python"

have() { # have DIST VERSION_OR_EMPTY -> 0 if installed (with that version, when given)
  local v
  v=$("$VPY" - "$1" <<'PYEOF' 2>/dev/null
import sys, importlib.metadata as m
try: print(m.version(sys.argv[1]))
except m.PackageNotFoundError: sys.exit(1)
PYEOF
) || return 1
  [ -z "$2" ] || [ "$v" = "$2" ]
}

pip_install() { # pip_install LABEL SPEC...
  local label=$1; shift
  echo "[setup] installing $label: $*"
  if ! "$VPY" -m pip install -q "$@"; then
    echo "[setup] ERROR: installing $label failed ($*)" >&2
    return 1
  fi
}

FAILED=()
# numpy/pandas first so tmu does not pull numpy 2.
have numpy "" && "$VPY" -c 'import numpy,sys; sys.exit(0 if int(numpy.__version__.split(".")[0])<2 else 1)' \
  || pip_install numpy "$NUMPY_SPEC" || FAILED+=(numpy)
have pandas "" && "$VPY" -c 'import pandas,sys; sys.exit(0 if int(pandas.__version__.split(".")[0])<3 else 1)' \
  || pip_install pandas "$PANDAS_SPEC" "$NUMPY_SPEC" || FAILED+=(pandas)
have scipy "$SCIPY_VER" || pip_install scipy "scipy==$SCIPY_VER" "$NUMPY_SPEC" || FAILED+=(scipy)
have scikit-learn "$SKLEARN_VER" || pip_install scikit-learn "scikit-learn==$SKLEARN_VER" "$NUMPY_SPEC" || FAILED+=(scikit-learn)
have tmu "$TMU_VER" || pip_install tmu "tmu==$TMU_VER" "$NUMPY_SPEC" "$PANDAS_SPEC" || FAILED+=(tmu)
have green-tsetlin "$GREEN_VER" || pip_install green-tsetlin "green-tsetlin==$GREEN_VER" "$NUMPY_SPEC" "$PANDAS_SPEC" || FAILED+=(green-tsetlin)

if [ "${LSTM:-0}" = 1 ] || [ "${TORCH:-0}" = 1 ]; then
  # NUMPY_SPEC so that torch cannot lift numpy to 2 under tmu and the others.
  have torch "$TORCH_VER" || pip_install torch "torch==$TORCH_VER" "$NUMPY_SPEC" || FAILED+=(torch)
fi

PYTMP_DIR="$VENV/pytmp"
# pip lower-cases the dist-info name (pytsetlinmachineparallel-0.2.1.dist-info).
if ! ls -d "$PYTMP_DIR"/[pP]y[tT]setlin[mM]achine[pP]arallel-"$PYTMP_VER".dist-info >/dev/null 2>&1; then
  echo "[setup] installing pyTsetlinMachineParallel==$PYTMP_VER into $PYTMP_DIR (--target, --no-deps)"
  mkdir -p "$PYTMP_DIR"
  # --no-deps: its only dependency (numpy) comes from the venv; a second numpy in pytmp would shadow it.
  if ! "$VPY" -m pip install -q --no-deps --upgrade --target "$PYTMP_DIR" "pyTsetlinMachineParallel==$PYTMP_VER"; then
    echo "[setup] ERROR: installing pyTsetlinMachineParallel failed" >&2
    FAILED+=(pyTsetlinMachineParallel)
  fi
fi

echo "[setup] versions:"
"$VPY" - "$PYTMP_DIR" <<'PYEOF'
import sys, importlib.metadata as m, glob, os
for d in ["numpy", "pandas", "scipy", "scikit-learn", "tmu", "green-tsetlin", "torch"]:
    try: print(f"  {d}=={m.version(d)}")
    except m.PackageNotFoundError:
        print("  torch: not installed (optional, for lstm_baseline.py: LSTM=1 bash bench/setup.sh)" if d == "torch"
              else f"  {d}: NOT INSTALLED")
hits = [h for h in glob.glob(os.path.join(sys.argv[1], "*.dist-info"))
        if os.path.basename(h).lower().startswith("pytsetlinmachineparallel-")]
ver = os.path.basename(hits[0])[len("pytsetlinmachineparallel-"):-len(".dist-info")] if hits else None
print(f"  pyTsetlinMachineParallel=={ver} (in .venv/pytmp)" if ver else "  pyTsetlinMachineParallel: NOT INSTALLED")
PYEOF
echo "[setup] took $(( $(date +%s) - START )) s"
if [ ${#FAILED[@]} -gt 0 ]; then
  echo "[setup] ERROR: failed to install: ${FAILED[*]}" >&2
  exit 1
fi
