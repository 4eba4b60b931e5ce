#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
set -euo pipefail
apt-get update -q
# util-linux gives unshare (the learner's sandbox); python3-venv keeps the kit out of the system Python.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-pip python3-venv util-linux
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q @PIP_OPTIONS@ "/autograder/source/kit@EXTRAS@"
