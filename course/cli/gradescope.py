"""``course gradescope``: build Gradescope's autograder.zip, and the grading step it runs on Gradescope."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import click

# What of the kit goes into the zip: enough to pip-install it and to grade (the stubs give helper files).
_KIT_PARTS = ("pyproject.toml", "README.md", "LICENSE", "constraints.txt", "course", "graders", "solutions",
              "exercises")


def _chosen(names):
    from course import registry
    try:
        return [registry.get(n) for n in names] if names else list(registry.exercises())
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0]))


@click.group()
def gradescope():
    """Grade on Gradescope: `build` makes the autograder.zip to upload."""


@gradescope.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True)
@click.option("--exercise", "-e", "exercise_names", multiple=True,
              help="Exercises this assignment grades (repeatable; default: all).")
def build(output, exercise_names):
    """Write autograder.zip: setup.sh, run_autograder and the kit (graders and solutions included).

    Upload it as a Gradescope "Zip file upload" autograder. Learners submit their exercises/ folder, a zip of
    their repository, or the module files alone (activations.py, ...). Exit status: 0 written, 2 usage error.
    """
    from course import paths
    from course.export import install_options, template

    chosen = _chosen(exercise_names)
    extras, pip_options = install_options(chosen)
    args = " ".join(f"-e {e.id}" for e in chosen) if exercise_names else ""
    root = paths.kit_root()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
        kit = Path(tmp) / "kit"
        for part in _KIT_PARTS:
            src = root / part
            if src.is_dir():
                shutil.copytree(src, kit / part, ignore=skip)
            elif src.is_file():
                (kit / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, kit / part)
        for path in sorted(kit.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(tmp).as_posix())
        for name, text in (("setup.sh", template("gradescope/setup.sh", extras=extras, pip_options=pip_options)),
                           ("run_autograder", template("gradescope/run_autograder", exercises=args))):
            info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
            info.external_attr = 0o100755 << 16   # executable, as Gradescope runs them directly
            zf.writestr(info, text)
    click.echo(f"wrote {output} ({len(chosen)} exercise(s)); upload it as the assignment's autograder")


@gradescope.command(hidden=True)
@click.option("--root", type=click.Path(file_okay=False), default="/autograder", show_default=True)
@click.option("--exercise", "-e", "exercise_names", multiple=True)
def run(root, exercise_names):
    """Grade ROOT/submission and write ROOT/results/results.json (what run_autograder calls).

    Whatever happens, a results.json is written: a submission that cannot be found or graded gets score 0
    and an output that says why, instead of Gradescope's bare "autograder failed". Exit status: 0.
    """
    from course.batch.discover import Submission, find_single_submission, gather_loose_modules
    from course.batch.pool import Settings, grade_class
    from course.export import gradescope as gs
    from course.store import ResultStore

    started = time.monotonic()
    root = Path(root)
    results_path = root / "results" / "results.json"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    chosen = _chosen(exercise_names)
    with tempfile.TemporaryDirectory() as tmp:
        upload = root / "submission"
        folder = find_single_submission(upload) if upload.is_dir() else None
        if folder is None and upload.is_dir():
            stubs = Path(os.environ.get("COURSE_ROOT", root / "source" / "kit")) / "exercises"
            folder = gather_loose_modules(upload, Path(tmp) / "exercises", stubs)
        if folder is None:
            names = ", ".join(m for e in chosen for m in e.modules)
            doc = {"score": 0.0, "output": "No exercise found in the submission: upload your exercises/ folder, "
                   f"a zip of your repository, or the module files ({names}).", "tests": []}
            results_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            click.echo(doc["output"], err=True)
            sys.exit(0)
        with ResultStore(":memory:") as store:
            outcome = grade_class([Submission("submission", folder, upload)], chosen, store,
                                  settings=Settings(lang=os.environ.get("COURSE_LANG", "en")),
                                  jobs=os.cpu_count() or 1)
    results_path.write_text(gs.dumps(outcome.results[0], time.monotonic() - started), encoding="utf-8")
    for line in outcome.errors:
        click.echo(f"kit error: {line}", err=True)
    click.echo(f"score {outcome.results[0].score:g}/{outcome.results[0].max_score:g}")
