"""``course gradescope``: build Gradescope's autograder.zip, and the grading step it runs on Gradescope."""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import click

from course.cli.options import isolation_option

# What of the kit goes into the zip: enough to pip-install it and to grade (the stubs give helper files). Of the
# per-exercise folders only the chosen exercises' go in: the zip is readable by every course staff member.
_KIT_PARTS = ("pyproject.toml", "README.md", "LICENSE", "constraints.txt", "course")
_PER_EXERCISE = ("graders", "solutions", "exercises")

def _chosen(names):
    from course import registry
    try:
        return [registry.get(n) for n in names] if names else list(registry.exercises())
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _min_python(root: Path) -> str:
    """The oldest Python the kit supports, from pyproject.toml's requires-python (">=3.11" gives "3.11")."""
    import tomllib
    spec = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    return re.search(r">=\s*(\d+\.\d+)", spec).group(1)


@click.group()
def gradescope():
    """Grade on Gradescope: `build` makes the autograder.zip to upload."""


@gradescope.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True)
@click.option("--exercise", "-e", "exercise_names", multiple=True,
              help="Exercises this assignment grades (repeatable; default: all).")
@isolation_option
@click.option("--wheelhouse", type=click.Path(exists=True, file_okay=False), default=None,
              help="A folder of wheels to install from instead of a package index (the kit's dependencies and "
                   "setuptools, e.g. from `pip download -d DIR -c constraints.txt setuptools '.[torch]'`).")
def build(output, exercise_names, isolation, wheelhouse):
    """Write autograder.zip: setup.sh, run_autograder and the kit (the chosen exercises' graders and solutions).

    Upload it as a Gradescope "Zip file upload" autograder. setup.sh installs the kit into a venv of a Python
    the kit supports (requires-python), with the versions in constraints.txt. Learners submit their exercises/
    folder, a zip of their repository, or the module files alone (activations.py, ...).
    Exit status: 0 written, 2 usage error.
    """
    from course import paths
    from course.export import install_options, template

    chosen = _chosen(exercise_names)
    extras, pip_options = install_options(chosen)
    args = " ".join(f"-e {e.id}" for e in chosen) if exercise_names else ""
    args += " --isolation process" if isolation else ""
    root = paths.kit_root()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    parts = list(_KIT_PARTS) + [f"{folder}/{e.id}" for folder in _PER_EXERCISE for e in chosen]
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        kit = Path(tmp) / "kit"
        for part in parts:
            src = root / part
            if src.is_dir():
                shutil.copytree(src, kit / part, ignore=skip)
            elif src.is_file():
                (kit / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, kit / part)
        if wheelhouse:
            wheels = sorted(Path(wheelhouse).glob("*.whl"))
            if not wheels:
                raise click.UsageError(f"--wheelhouse {wheelhouse} holds no .whl file")
            (kit / "wheels").mkdir()
            for wheel in wheels:
                shutil.copy2(wheel, kit / "wheels" / wheel.name)
        for path in sorted(kit.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(tmp).as_posix())
        minimum = _min_python(root)
        setup = template("gradescope/setup.sh", extras=extras, pip_options=pip_options, min_python=minimum,
                         min_python_tuple=minimum.replace(".", ", "), deadsnakes=max(minimum, "3.11", key=_version))
        for name, text in (("setup.sh", setup),
                           ("run_autograder", template("gradescope/run_autograder", exercises=args))):
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = 0o100755 << 16   # executable, as Gradescope runs them directly
            zf.writestr(info, text)
    click.echo(f"wrote {output} ({len(chosen)} exercise(s)); upload it as the assignment's autograder")


@gradescope.command(hidden=True)
@click.option("--root", type=click.Path(file_okay=False), default="/autograder", show_default=True)
@click.option("--exercise", "-e", "exercise_names", multiple=True)
@isolation_option
def run(root, exercise_names, isolation):
    """Grade ROOT/submission and write ROOT/results/results.json (what run_autograder calls).

    Whatever happens, a results.json is written: a submission that cannot be found or graded gets score 0
    and an output that says why, instead of Gradescope's bare "autograder failed". It is written only once
    every process started while grading is gone (this process adopts and kills detached ones), so nothing
    learner code left running can rewrite it. Workers follow the container's CPU quota. Exit status: 0
    graded; 1 not graded (no kernel sandbox and no --isolation process), with results.json saying why.
    """
    from course import cpus, reaper
    from course.sandbox.launch import isolation_mode

    started = time.monotonic()
    reaper.become_subreaper()
    root = Path(root)
    results_path = root / "results" / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    chosen = _chosen(exercise_names)
    mode = isolation_mode()
    if mode == "process" and isolation != "process":
        _write_results(results_path, {"score": 0.0, "tests": [], "output": (
            "Not graded: this container refuses the kernel namespaces that keep learner code away from the "
            "solutions (Docker's default seccomp profile does), so grading here would let a submission read them. "
            "The instructor can run the autograder with a seccomp profile that allows unshare, or rebuild it with "
            "`course gradescope build --isolation process` to accept plain process isolation.")})
        sys.exit(1)
    with tempfile.TemporaryDirectory() as tmp:
        doc, score_line = _grade_upload(root, Path(tmp), chosen, jobs=cpus.usable_cpus(), isolation=mode)
        reaper.kill_descendants()
    _write_results(results_path, doc, time.monotonic() - started)
    click.echo(score_line, err="tests" not in doc or not doc["tests"])


def _grade_upload(root: Path, tmp: Path, chosen, jobs: int, isolation: str = "") -> tuple[dict, str]:
    """(results.json object, the line to print) for the upload in ROOT/submission."""
    from course.batch.discover import Submission, find_single_submission, gather_loose_modules
    from course.batch.pool import Settings, grade_class
    from course.export import gradescope as gs
    from course.store import ResultStore

    upload = root / "submission"
    folder = find_single_submission(upload) if upload.is_dir() else None
    if folder is None and upload.is_dir():
        stubs = Path(os.environ.get("COURSE_ROOT", root / "source" / "kit")) / "exercises"
        folder = gather_loose_modules(upload, tmp / "exercises", stubs)
    if folder is None:
        names = ", ".join(m for e in chosen for m in e.modules)
        text = ("No exercise found in the submission: upload your exercises/ folder, a zip of your repository, "
                f"or the module files ({names}).")
        return {"score": 0.0, "output": text, "tests": []}, text
    lang = os.environ.get("COURSE_LANG", "en")
    with ResultStore(":memory:") as store:
        outcome = grade_class([Submission("submission", folder, upload)], chosen, store,
                              settings=Settings(lang=lang, isolation=isolation), jobs=jobs)
    for line in outcome.errors:
        click.echo(f"kit error: {line}", err=True)
    result = outcome.results[0]
    return gs.results_json(result, lang=lang), f"score {result.score:g}/{result.max_score:g}"


def _write_results(path: Path, doc: dict, execution_time: float | None = None) -> None:
    """Write results.json in one step (a reader never sees half a file)."""
    if execution_time is not None:
        doc["execution_time"] = round(execution_time)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)
