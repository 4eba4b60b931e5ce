"""What makes the bundle a learner's package: it is built from committed stubs, and it carries the learner
README (日本語 first, then English) and a pyproject for the folder form (``pip install -e OUT``)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from course import __version__
from course.release import wheel

README_TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "learner" / "README.md"
WHEEL_MARK = "@WHEEL@"      # where the learner README names what to pip install


def uncommitted(kit: Path, exercise_ids: list[str]) -> list[str]:
    """The files under ``exercises/`` of the chosen exercises that differ from the last commit (edited, added or
    deleted): a release must ship what was reviewed, not a filled-in solution left in the working tree.
    Raises LookupError when ``kit`` is not a git checkout (nothing to compare with)."""
    try:
        done = subprocess.run(["git", "-C", str(kit), "status", "--porcelain", "--untracked-files=all", "--",
                               *[f"exercises/{e}" for e in exercise_ids]],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LookupError(f"git is not usable here ({exc})") from None
    if done.returncode != 0:
        raise LookupError(f"{kit} is not a git checkout ({done.stderr.strip()[:200]})")
    return [line[3:] for line in done.stdout.splitlines() if line.strip()]


def readme(wheel_ref: str) -> str:
    """The learner README, naming ``wheel_ref`` (the URL the instructor publishes the wheel at, or its file)."""
    return README_TEMPLATE.read_text(encoding="utf-8").replace(WHEEL_MARK, wheel_ref)


def pyproject(version: str = __version__) -> str:
    """A pyproject.toml for ``pip install -e OUT``: the learner commands and their dependencies only."""
    deps = json.dumps(list(wheel.REQUIRES))          # a JSON list of strings is a TOML array too
    extras = "\n".join(f"{name} = {json.dumps(list(reqs))}" for name, reqs in wheel.EXTRAS.items())
    return f'''# The learner package (written by `course release`). The wheel in dist/ is the one-command install;
# this file serves `pip install -e .` in this folder, where graders/ and exercises/ sit beside course/.
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{wheel.DISTRIBUTION}"
version = "{version}"
description = "Deep-learning exercises with graders that explain (learner package, 日本語/English)"
readme = "README.md"
requires-python = "{wheel.REQUIRES_PYTHON}"
dependencies = {deps}

[project.optional-dependencies]
{extras}

[project.scripts]
course = "course.cli:main"

[tool.setuptools]
packages = {{ find = {{ include = ["course*"] }} }}

[tool.setuptools.package-data]
course = ["*.toml", "data/*", "templates/*", "templates/*/*"]
'''
