"""What a clone must hold and state truly: the contract and licence the README links to, the Python the
package needs, and usage errors that exit 2 with a message."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]


def test_every_relative_readme_link_exists_in_the_clone():
    text = (KIT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#\s]+)\)", text)
    relative = [link for link in links if "://" not in link]
    assert "docs/contract.md" in relative and "LICENSE" in relative
    assert [link for link in relative if not (KIT / link).exists()] == []


def test_license_is_the_mit_licence_the_package_declares():
    project = tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] in ("MIT", {"text": "MIT"})    # an SPDX expression (PEP 639) or the older table
    assert (KIT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_requires_python_allows_no_version_without_tomllib():
    """The registry and the planted mistakes are read with tomllib, new in Python 3.11."""
    spec = tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert spec.replace(" ", "") == ">=3.11"


def test_unknown_exercise_is_a_usage_error_for_mistakes_as_for_check():
    for command in ("mistakes", "check"):
        proc = subprocess.run([sys.executable, "-m", "course", command, "ex99"], capture_output=True, text=True,
                              timeout=60, cwd=KIT)
        assert proc.returncode == 2, (command, proc.stderr)
        assert "no exercise called 'ex99'" in proc.stderr and "Traceback" not in proc.stderr


# The front ends, on top of everything: the commands, `python -m course`, and the notebook magic (%course).
FRONT_ENDS = ("cli", "__main__.py", "ipython.py")


def test_no_module_below_the_cli_imports_it():
    """Front ends sit on top: grading, batch, export … never import course.cli (batch/pool.py once did)."""
    upward = [str(p.relative_to(KIT)) for p in (KIT / "course").rglob("*.py")
              if p.relative_to(KIT / "course").parts[0] not in FRONT_ENDS
              and re.search(r"^\s*(from course\.cli|import course\.cli|from course import cli)",
                            p.read_text(encoding="utf-8"), re.M)]
    assert upward == []
