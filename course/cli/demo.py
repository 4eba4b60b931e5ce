"""``course demo``: build a sample class, grade it end to end with the instructor's commands, show the results."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang


def _run(console, argv: list[str], *, program: str = "course", cwd: Path | None = None) -> int:
    """Run one command as an instructor would (``course`` or ``nbgrader`` from this venv), showing it first."""
    console.print(f"\n[bold]$ {program} {' '.join(argv)}[/bold]")
    bindir = str(Path(sys.executable).parent)
    # nbgrader's gradebook calls its `alembic` by name: the venv's scripts must be on PATH, activated or not.
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "course", *argv] if program == "course" else [str(Path(bindir) / program), *argv]
    return subprocess.run(command, cwd=cwd, env=env).returncode


def _nbgrader_export(console, out: Path) -> bool:
    """Export the gradebook with nbgrader's own command, as an instructor's course folder would."""
    db_url = f"sqlite:///{out / 'gradebook.db'}"
    (out / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(out)!r}\nc.CourseDirectory.db_url = {db_url!r}\n",
        encoding="utf-8")
    return _run(console, ["export", "--to", str(out / "nbgrader-grades.csv")], program="nbgrader", cwd=out) == 0


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="demo-class", show_default=True,
              help="Folder for the sample class and everything grading writes.")
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (default: all).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel graders (default: the number of cores).")
@lang_option
def demo(out, exercise_names, jobs, lang):
    """Grade a bundled sample class (correct, buggy, unfinished and misbehaving work) end to end.

    Writes OUT/class/<learner>/ (the submissions), OUT/grades.sqlite (the results store), OUT/results.json,
    OUT/grades.csv, OUT/report.html and, with nbgrader installed, OUT/gradebook.db (nbgrader's gradebook)
    and OUT/nbgrader-grades.csv (written by `nbgrader export` from that gradebook).
    Running it again reuses the stored results of unchanged submissions.
    """
    from rich.console import Console

    from course.demo import build_class
    from course.mistakes import explain

    lang = resolve_lang(lang)
    console = Console(highlight=False)
    out = Path(out).resolve()
    folders = build_class(out / "class")
    console.print(f"sample class of {len(folders)} learners written to {out / 'class'}: "
                  + ", ".join(f.name for f in folders))
    argv = ["grade", str(out / "class"), "--store", str(out / "grades.sqlite"), "--json", str(out / "results.json"),
            "--csv", str(out / "grades.csv"), "--lang", lang]
    argv += [a for name in exercise_names for a in ("-e", name)]
    argv += ["--jobs", str(jobs)] if jobs else []
    if importlib.util.find_spec("nbgrader"):
        argv += ["--gradebook", f"sqlite:///{out / 'gradebook.db'}"]
    else:
        console.print("[yellow]nbgrader is not installed, so the grades go to no gradebook "
                      "(pip install 'dl-course-kit\\[instructor]')[/yellow]")
    status = _run(console, argv)
    if status not in (0, 3):
        raise SystemExit(status)
    exported = "--gradebook" in argv and _nbgrader_export(console, out)
    if importlib.util.find_spec("matplotlib") and importlib.util.find_spec("course.cli.report"):
        _run(console, ["report", str(out / "results.json"), "--out", str(out / "report.html"), "--lang", lang])

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    learners = defaultdict(set)
    for r in results:
        for e in r["exercises"]:
            for c in e["checks"]:
                if c["diagnosis"] and c["status"] != "passed":
                    learners[c["diagnosis"]].add(r["submission"])
    console.print("\n[bold]mistakes the graders named[/bold] (code: learners)")
    for code, who in sorted(learners.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        console.print(f"  [magenta]{code}[/magenta] ({', '.join(sorted(who))}): {explain(code, lang)}")
    console.print(f"\nwritten to {out}: results.json, grades.csv, grades.sqlite"
                  + (", gradebook.db (nbgrader), nbgrader-grades.csv (nbgrader export)" if exported else "")
                  + (", report.html" if (out / "report.html").exists() else ""))
    raise SystemExit(status)
