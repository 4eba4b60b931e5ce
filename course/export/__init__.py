"""Exporters: each turns result models (:mod:`course.result`) into one published format, and nothing else.

- :mod:`~course.export.gradescope`: Gradescope's ``results.json`` (one submission);
- :mod:`~course.export.classroom`: GitHub Classroom's points notices;
- :mod:`~course.export.junit`: JUnit XML, which any CI can show;
- :mod:`~course.export.csv_export`: nbgrader's grade export columns;
- ``gradebook`` (nbgrader's database) lives beside them and is imported only when asked for.
"""
from __future__ import annotations

import json

from course.result import SubmissionResult


def to_json(results: list[SubmissionResult]) -> str:
    """The contract's JSON array of result models, one per submission, in the order given."""
    return json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2) + "\n"


def check_name(exercise: str, check) -> str:
    """The name every export shows for a check: exercise, check id and, when there is one, its title."""
    return f"{exercise} › {check.id}" + (f" — {check.title}" if check.title else "")


def check_text(check, lang: str = "en") -> str:
    """The learner-facing explanation of a check's verdict in ``lang``: message, named mistake and hint, as
    every renderer writes it (:func:`course.render.text.check_text`)."""
    from course.render.text import check_text as rendered
    return rendered(check, lang)


def template(name: str, **values: str) -> str:
    """A file from ``course/templates/`` with each ``@KEY@`` replaced (shell and YAML keep their ``$``)."""
    from pathlib import Path
    text = (Path(__file__).resolve().parent.parent / "templates" / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", value)
    return text


def install_options(exercises) -> tuple[str, str]:
    """pip extras and options for installing the kit where ``exercises`` are graded (CPU torch if needed)."""
    if any(e.torch for e in exercises):
        return "[torch]", "--extra-index-url https://download.pytorch.org/whl/cpu"
    return "", ""
