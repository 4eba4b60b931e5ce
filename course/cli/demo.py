"""``course demo``: build a sample class, grade it end to end with the instructor's commands, show the results.

It prints what an instructor needs: each command as they would type it (paths relative to here, broken only
between arguments), the score table, what was written, the mistakes named and the pairs flagged as alike.
The commands' own chatter (nbgrader's INFO lines, the report's tables) is kept back and shown only when a
command fails.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import click

from course.cli.options import lang_option, resolve_lang
from course.i18n import pick, tr

# Width at which a command is continued on the next line (between arguments, with a backslash).
COMMAND_WIDTH = 88


def _shown(path: Path) -> str:
    """``path`` as the instructor would type it here: relative when it lies below the current folder."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _units(argv: list[str]) -> list[str]:
    """The arguments quoted, an option kept with its value (``--lang ja`` is never broken apart)."""
    units: list[str] = []
    for arg in argv:
        if units and units[-1].startswith("-") and " " not in units[-1] and not arg.startswith("-"):
            units[-1] += " " + shlex.quote(arg)
        else:
            units.append(shlex.quote(arg))
    return units


def command_line(program: str, argv: list[str], width: int = COMMAND_WIDTH) -> str:
    """``$ program args…`` with long lines continued by `` \\`` between arguments, never inside one, and
    never between an option and its value."""
    words = [program] + _units(argv)
    lines, current = [], "$"
    for word in words:
        if len(current) + 1 + len(word) > width - 2 and current not in ("$", "   "):
            lines.append(current + " \\")
            current = "   "
        current += " " + word
    return "\n".join(lines + [current])


def _run(console, argv: list[str], *, program: str = "course", cwd: Path | None = None,
         show_stdout: bool = True) -> subprocess.CompletedProcess:
    """Run one command as an instructor would (``course`` or ``nbgrader`` from this venv), showing it first.

    Its stderr (progress) passes through for ``course grade``; everything else is captured, printed when
    ``show_stdout`` or when the command fails."""
    console.print(f"\n[bold]{command_line(program, argv)}[/bold]", soft_wrap=True, markup=True, highlight=False)
    bindir = str(Path(sys.executable).parent)
    # nbgrader's gradebook calls its `alembic` by name: the venv's scripts must be on PATH, activated or not.
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "course", *argv] if program == "course" else [str(Path(bindir) / program), *argv]
    live = program == "course" and argv[0] == "grade"
    proc = subprocess.run(command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
                          stderr=None if live else subprocess.PIPE)
    if show_stdout or proc.returncode:
        click.echo(proc.stdout, nl=False)
    if proc.returncode and proc.stderr:
        click.echo(proc.stderr, err=True, nl=False)
    return proc


def _nbgrader_export(console, out: Path) -> bool:
    """Export the gradebook with nbgrader's own command, as an instructor's course folder would."""
    db_url = f"sqlite:///{out / 'gradebook.db'}"
    (out / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(out)!r}\nc.CourseDirectory.db_url = {db_url!r}\n",
        encoding="utf-8")
    return _run(console, ["export", "--to", "nbgrader-grades.csv"], program="nbgrader", cwd=out,
                show_stdout=False).returncode == 0


def _mistakes(console, results: list[dict], lang: str) -> None:
    from course.mistakes import explain

    learners = defaultdict(set)
    for r in results:
        for e in r["exercises"]:
            for c in e["checks"]:
                if c["diagnosis"] and c["status"] != "passed":
                    learners[c["diagnosis"]].add(r["submission"])
    console.print("\n[bold]" + pick(tr("mistakes the graders named", "採点が見つけたミス"), lang)
                  + "[/bold] (" + pick(tr("code: learners", "コード: 学習者"), lang) + ")")
    for code, who in sorted(learners.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        console.print(f"  [magenta]{code}[/magenta] ({', '.join(sorted(who))}): {explain(code, lang)}")


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="demo-class", show_default=True,
              help="Folder for the sample class and everything grading writes.")
@click.option("--exercise", "-e", "exercise_names", multiple=True, help="Only these exercises (default: all).")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel graders (default: the number of cores).")
@lang_option
def demo(out, exercise_names, jobs, lang):
    """Grade a bundled sample class (correct, buggy, unfinished, misbehaving and copied work) end to end.

    Writes OUT/class/<learner>/ (the submissions, from the committed solutions and stubs), OUT/grades.sqlite
    (the results store), OUT/results.json, OUT/grades.csv, OUT/report.html with OUT/feedback/<learner>.html,
    OUT/similarity.html and, with nbgrader installed, OUT/gradebook.db (nbgrader's gradebook) and
    OUT/nbgrader-grades.csv (written by `nbgrader export` from that gradebook). Running it again reuses the
    stored results of unchanged submissions.
    """
    from rich.console import Console

    from course.demo import build_class

    lang = resolve_lang(lang)
    console = Console(highlight=False)
    out = Path(out).resolve()
    folders = build_class(out / "class")
    console.print(pick(tr(f"sample class of {len(folders)} learners, from the committed solutions and stubs: ",
                          f"サンプルのクラス {len(folders)} 人 (コミット済みの解答とスタブから作成): "), lang)
                  + ", ".join(f.name for f in folders) + f" → {_shown(out / 'class')}")
    at = lambda name: _shown(out / name)  # noqa: E731
    argv = ["grade", at("class"), "--store", at("grades.sqlite"), "--json", at("results.json"),
            "--csv", at("grades.csv"), "--lang", lang]
    argv += [a for name in exercise_names for a in ("-e", name)]
    argv += ["--jobs", str(jobs)] if jobs else []
    if importlib.util.find_spec("nbgrader"):
        argv += ["--gradebook", f"sqlite:///{at('gradebook.db')}"]
    else:
        console.print("[yellow]nbgrader is not installed, so the grades go to no gradebook "
                      "(pip install 'dl-course-kit\\[instructor]')[/yellow]")
    status = _run(console, argv).returncode
    if status not in (0, 3):
        raise SystemExit(status)
    exported = "--gradebook" in argv and _nbgrader_export(console, out)
    wrote = ["results.json", "grades.csv", "grades.sqlite"]
    wrote += ["gradebook.db (nbgrader)", "nbgrader-grades.csv (nbgrader export)"] if exported else []
    if importlib.util.find_spec("matplotlib"):
        report = _run(console, ["report", at("results.json"), "--out", at("report.html"), "--class", at("class"),
                                "--lang", lang], show_stdout=False)
        wrote += ["report.html", "feedback/<learner>.html"] if report.returncode == 0 else []
    similar = _run(console, ["similarity", at("class"), "--results", at("results.json"), "--html",
                             at("similarity.html"), "--lang", lang]
                   + [a for name in exercise_names for a in ("-e", name)])
    wrote += ["similarity.html"] if similar.returncode == 0 else []
    _mistakes(console, json.loads((out / "results.json").read_text(encoding="utf-8")), lang)
    console.print("\n" + pick(tr("written to", "出力先"), lang) + f" {_shown(out)}: " + ", ".join(wrote))
    raise SystemExit(status)
