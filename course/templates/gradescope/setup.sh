#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image (the network is reachable then).
# It installs the kit into a venv of a Python >= @MIN_PYTHON@ (the kit's requires-python), with the versions
# the kit was tested with (constraints.txt pins torch and NumPy), and checks the install before any
# submission arrives.
# `setup.sh --print-python` only prints the interpreter it would use (to try an image out).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
KIT="$ROOT/source/kit"

find_python() {
    local candidate
    for candidate in python3.14 python3.13 python3.12 python3.11 python3.10 python3; do
        if command -v "$candidate" >/dev/null &&
           "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (@MIN_PYTHON_TUPLE@))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ "${1:-}" = "--print-python" ]; then
    find_python || { echo "no Python >= @MIN_PYTHON@ on PATH" >&2; exit 1; }
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# util-linux gives unshare (the learner's sandbox); python3-venv keeps the kit out of the system Python.
apt-get install -y -q python3 python3-venv util-linux
if ! PYTHON="$(find_python)"; then
    # Gradescope's older base images (Ubuntu 18.04 and 20.04) have Python 3.6 or 3.8.
    apt-get install -y -q software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update -q
    apt-get install -y -q python@DEADSNAKES@ python@DEADSNAKES@-venv
    PYTHON="$(find_python)" || { echo "setup.sh: could not install a Python >= @MIN_PYTHON@" >&2; exit 1; }
fi
"$PYTHON" -m venv "$ROOT/venv"
if [ -d "$KIT/wheels" ]; then
    # Built with --wheelhouse: every Python package comes from the zip, no package index is asked.
    "$ROOT/venv/bin/python" -m pip install -q --no-index --find-links "$KIT/wheels" -c "$KIT/constraints.txt" \
        "$KIT@EXTRAS@"
else
    "$ROOT/venv/bin/python" -m pip install -q --upgrade pip
    "$ROOT/venv/bin/python" -m pip install -q -c "$KIT/constraints.txt" @PIP_OPTIONS@ "$KIT@EXTRAS@"
fi
"$ROOT/venv/bin/python" -c "import course.cli"
