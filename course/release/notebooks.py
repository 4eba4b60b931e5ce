"""One notebook per exercise, for Colab and Jupyter.

Cells: the title and how to use the notebook; a set-up cell that installs the learner package, loads the
``%course`` magic and writes the exercise folders (``%course init .``, which keeps files already there); the
exercise's instructions; one ``%%writefile exercises/exerciseN/module.py`` cell per graded module, holding
the stub (running the cell saves the module, so the cell *is* the module); then ``%course check exerciseN``
and how to ask for a hint. Written as plain nbformat-4 JSON: the release needs no Jupyter.
"""
from __future__ import annotations

import json
from pathlib import Path

from course import registry
from course.i18n import pick

NBFORMAT, NBFORMAT_MINOR = 4, 5
WRITEFILE = "%%writefile"


def _cell(kind: str, source: str, cell_id: str) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source.splitlines(keepends=True)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def setup_source(wheel_ref: str) -> str:
    """The first code cell: install the learner package where it is missing, then the magic and the folders."""
    return (f'%pip install -q "{wheel_ref}"\n'
            "%load_ext course.ipython\n"
            "%course init .")


def module_cell_source(exercise_id: str, module: str, code: str) -> str:
    """A cell that writes ``code`` to the module's file when it runs."""
    return f"{WRITEFILE} exercises/{exercise_id}/{module}.py\n{code}"


def notebook(exercise: registry.Exercise, exercises_dir: Path, wheel_ref: str) -> dict:
    """The notebook of ``exercise`` (stubs and README from ``exercises_dir/exerciseN``)."""
    folder = exercises_dir / exercise.id
    intro = (f"# {exercise.id} — {pick(exercise.title, 'ja')} / {pick(exercise.title, 'en')}\n\n"
             "上から順にセルを実行してください。最初のセルがパッケージをインストールします。`%%writefile` で始まる"
             "セルに関数を書いて実行するとファイルに保存され、`%course check` で答え合わせができます "
             "(`--lang ja` で日本語)。\n\n"
             "Run the cells from the top: the first one installs the package. Write your functions in the cells "
             "that start with `%%writefile` and run them (that saves the module), then check with "
             "`%course check` (`--lang ja` for Japanese).")
    cells = [_cell("markdown", intro, "intro"), _cell("code", setup_source(wheel_ref), "setup")]
    readme = folder / "README.md"
    if readme.is_file():
        cells.append(_cell("markdown", readme.read_text(encoding="utf-8"), "instructions"))
    for module in exercise.modules:
        code = (folder / f"{module}.py").read_text(encoding="utf-8")
        cells.append(_cell("code", module_cell_source(exercise.id, module, code), f"module-{module}"))
    cells.append(_cell("code", f"%course check {exercise.id}", "check"))
    # No hint cell: "Run all" would climb the ladder on every run.
    cells.append(_cell("markdown", f"行き詰まったら新しいセルで / Stuck? In a new cell: `%course hint {exercise.id}` "
                                   "(一回に一段ずつ / one rung at a time)", "hint-note"))
    return {"nbformat": NBFORMAT, "nbformat_minor": NBFORMAT_MINOR, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def write_notebooks(exercises: list[registry.Exercise], exercises_dir: Path, out: Path, wheel_ref: str) -> list[Path]:
    """Write ``out/exerciseN.ipynb`` for each exercise; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ex in exercises:
        path = out / f"{ex.id}.ipynb"
        path.write_text(json.dumps(notebook(ex, exercises_dir, wheel_ref), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        written.append(path)
    return written
