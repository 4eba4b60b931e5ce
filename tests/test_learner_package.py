"""The learner package, as a learner gets it: `course release` writes a wheel, a fresh virtual environment with
nothing but that wheel (and Jupyter's kernel and nbclient for the notebooks) runs `course init`, `course check` on
the stub and on a filled-in module, and executes the released notebooks with a real Jupyter kernel."""
import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from course import paths
from course.release import bundle, learner, notebooks, wheel

pytestmark = pytest.mark.slow
KIT = paths.kit_root()
EXERCISES = ["exercise0", "exercise1", "exercise8"]
NOTEBOOK_RUNNER = """
import sys, nbformat, nbclient
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, sys.argv[1])
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "learner"
    # allow_dirty: other work in progress may sit in this checkout's exercises/; the refusal is tested below.
    bundle.build(out, EXERCISES, allow_dirty=True, wheel_url=str(out / "dist" / wheel.wheel_name()))
    return out


@pytest.fixture(scope="module")
def venv(release, tmp_path_factory):
    """A virtual environment without the system's packages: the wheel, pip, and what notebooks need."""
    root = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "pip",
                    str(release / "dist" / wheel.wheel_name()), "ipykernel", "nbclient"],
                   check=True, timeout=600, capture_output=True)
    return root


def learner_env(venv: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_ROOT", "COURSE_EXERCISES", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["COURSE_LANG"] = "en"
    return env


def course(venv, *args, cwd):
    return subprocess.run([str(venv / "bin" / "course"), *args], cwd=cwd, env=learner_env(venv),
                          capture_output=True, text=True, timeout=300)


def test_wheel_holds_the_learner_commands_graders_and_stubs_only(release):
    with zipfile.ZipFile(release / "dist" / wheel.wheel_name()) as zf:
        names = set(zf.namelist())
        info = "dl_course_kit-0.1.0.dist-info"
        record = list(csv.reader(io.StringIO(zf.read(f"{info}/RECORD").decode())))
        for name, digest, size in record:
            if name.endswith("RECORD"):
                continue
            data = zf.read(name)
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert int(size) == len(data)
        metadata = zf.read(f"{info}/METADATA").decode()
    assert {"course/kit/graders/exercise1/test_numerical_diff.py", "course/kit/exercises/exercise1/README.md",
            "course/cli/check.py", "course/cli/init.py", "course/ipython.py", f"{info}/entry_points.txt"} <= names
    assert not [n for n in names if "solutions" in n or "/hidden/" in n or n.endswith((".pyc", "planted.toml"))]
    assert not [n for n in names if n.startswith(("course/cli/grade", "course/cli/release", "course/release/"))]
    assert "Requires-Dist: numpy" in metadata and "torch" not in metadata.split("\n\n")[0]
    # The folder form's pyproject asks for what the wheel does.
    project = tomllib.loads((release / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == list(wheel.REQUIRES) and project["scripts"] == {"course": "course.cli:main"}
    # Two releases of one tree are the same bytes.
    again = wheel.build_wheel(release, release.parent / "again")
    assert again.read_bytes() == (release / "dist" / wheel.wheel_name()).read_bytes()


def test_fresh_venv_init_then_check_stub_then_filled_in(venv, tmp_path):
    init = course(venv, "init", cwd=tmp_path)
    assert init.returncode == 0 and "cd dl-course" in init.stdout, init.stderr
    work = tmp_path / "dl-course"
    assert sorted(p.name for p in (work / "exercises").iterdir()) == EXERCISES
    assert (work / "README.md").read_text().startswith("# 深層学習の演習")
    stub = course(venv, "check", "exercise1", "--json", cwd=work / "exercises" / "exercise1")
    result = json.loads(stub.stdout)["exercises"][0]
    assert stub.returncode == 1 and {c["diagnosis"] for c in result["checks"]} == {"not-implemented"}
    shutil.copy(KIT / "solutions/exercise1/numerical_diff.py", work / "exercises/exercise1/numerical_diff.py")
    done = course(venv, "check", "exercise1", cwd=work)
    assert done.returncode == 0 and "score 6/6" in done.stdout, done.stdout + done.stderr
    # Running init again keeps the learner's work.
    assert course(venv, "init", cwd=tmp_path).returncode == 0
    assert (work / "exercises/exercise1/numerical_diff.py").read_text() == \
        (KIT / "solutions/exercise1/numerical_diff.py").read_text()


def test_outside_a_learner_folder_it_says_where_it_looked_and_what_to_do(venv, tmp_path):
    done = course(venv, "check", "exercise1", cwd=tmp_path)
    assert done.returncode == 2 and str(tmp_path) in done.stderr
    assert "course init" in done.stderr and "COURSE_EXERCISES" in done.stderr and "Traceback" not in done.stderr


def test_help_lists_learner_commands_only(venv, tmp_path):
    shown = course(venv, "--help", cwd=tmp_path).stdout
    assert all(f"  {name} " in shown for name in ("init", "check", "watch", "hint"))
    assert not [word for word in ("grade", "release", "nbgrader", "gradescope", "demo", "Instructors")
                if re.search(rf"\b{word}\b", shown)]


def test_missing_optional_dependencies_are_one_clear_line(venv, tmp_path):
    course(venv, "init", ".", cwd=tmp_path)
    torch = course(venv, "check", "exercise8", cwd=tmp_path)
    assert torch.returncode == 1 and "download.pytorch.org/whl/cpu" in torch.stdout.replace("\n", " ")
    assert "dl-course-kit[torch]" not in torch.stdout
    for args, package in ((["watch", "exercise1"], "watchfiles"), (["explain", "exercise5", "--png", "g.png"],
                                                                    "matplotlib")):
        done = course(venv, *args, cwd=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip().splitlines() == [f"Error: {done.stderr.strip()[7:]}"]
        assert f"pip install {package}" in done.stderr


def _execute(venv: Path, notebook: Path) -> dict:
    subprocess.run([str(venv / "bin" / "python"), "-c", NOTEBOOK_RUNNER, str(notebook), str(notebook.parent)],
                   env=learner_env(venv), check=True, timeout=600, capture_output=True)
    return json.loads(notebook.read_text())


def _check_output(nb: dict) -> str:
    cell = next(c for c in nb["cells"] if c.get("id") == "check")
    return "".join("".join(o.get("data", {}).get("text/html", "")) for o in cell["outputs"])


def test_notebook_runs_in_a_real_kernel_on_the_stub_and_on_a_solution(venv, release, tmp_path):
    folder = tmp_path / "colab"
    folder.mkdir()
    notebook = folder / "exercise1.ipynb"
    shutil.copy(release / "notebooks" / "exercise1.ipynb", notebook)
    nb = _execute(venv, notebook)
    html = _check_output(nb)
    assert 'data-passed="false"' in html and 'data-score="0/6"' in html and "not-implemented" in html
    assert (folder / "exercises/exercise1/numerical_diff.py").is_file()
    # The module cell is the module: put the solution in it, run the notebook again.
    solution = (KIT / "solutions/exercise1/numerical_diff.py").read_text()
    for cell in nb["cells"]:
        if cell.get("id") == "module-numerical_diff":
            cell["source"] = notebooks.module_cell_source("exercise1", "numerical_diff", solution)
        if cell.get("id") == "check":
            cell["source"] = "%course check exercise1 --lang ja"
    notebook.write_text(json.dumps(nb))
    html = _check_output(_execute(venv, notebook))
    assert 'data-passed="true"' in html and 'data-score="6/6"' in html and "得点" in html


def test_released_nbgrader_notebooks_cells_run_with_the_learner_package(venv, tmp_path):
    """The test cells of nbgrader's released notebooks call course.nbgrader.cell.run_checks on the notebook's
    folder (exerciseN/ beside the notebook): it is in the learner package and grades the public checks."""
    shutil.copytree(KIT / "exercises/exercise1", tmp_path / "exercise1")
    shutil.copy(KIT / "solutions/exercise1/numerical_diff.py", tmp_path / "exercise1/numerical_diff.py")
    cell = ("from course.nbgrader.cell import run_checks, use_magics\n"
            "print('score', run_checks('exercise1', 'numerical_diff.book'))")
    done = subprocess.run([str(venv / "bin" / "python"), "-c", cell], cwd=tmp_path, env=learner_env(venv),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "numerical_diff.book" in done.stdout and "score 1.0" in done.stdout     # the cell's value: 1 point


def test_release_refuses_uncommitted_stubs_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(learner, "uncommitted", lambda kit, ids: ["exercises/exercise0/basics.py"])
    with pytest.raises(bundle.ReleaseError, match="(?s)uncommitted.*basics.py.*--allow-dirty"):
        bundle.build(tmp_path / "out", ["exercise0"])
    assert not (tmp_path / "out").exists()


def test_uncommitted_lists_edited_and_new_stub_files(tmp_path):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    (tmp_path / "exercises/exercise0").mkdir(parents=True)
    (tmp_path / "exercises/exercise0/basics.py").write_text("raise NotImplementedError\n")
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "stubs"], check=True)
    assert learner.uncommitted(tmp_path, ["exercise0"]) == []
    (tmp_path / "exercises/exercise0/basics.py").write_text("def f(): return 1\n")
    (tmp_path / "exercises/exercise0/extra.py").write_text("")
    assert sorted(learner.uncommitted(tmp_path, ["exercise0"])) == ["exercises/exercise0/basics.py",
                                                                    "exercises/exercise0/extra.py"]
    (tmp_path.parent / "not-a-checkout").mkdir(exist_ok=True)
    with pytest.raises(LookupError, match="not a git checkout"):
        learner.uncommitted(tmp_path.parent / "not-a-checkout", ["exercise0"])
