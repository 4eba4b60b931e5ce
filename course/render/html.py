"""Rendering one exercise's result as HTML, for notebooks (``%course check``): the lines of the terminal's
detail view (:func:`course.render.text.exercise_lines`: every check, and for each that did not pass its message,
diagnosis and hint), each part coloured by its role, wrapped by the browser.

The outer element carries the verdict as data (``data-passed``, ``data-score``) so that a notebook's output
can be read by a program (the kit's notebook tests do) as well as by a person.
"""
from __future__ import annotations

from html import escape

from course.i18n import pick, tr
from course.render.text import exercise_lines, points
from course.render.wrap import printed
from course.result import ExerciseResult

# The colour of each role (GitHub's palette, legible on light and dark notebook themes alike).
COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e", "timeout": "#9a6700", "skipped": "#6e7781",
           "dim": "#6e7781", "diagnosis": "#8250df", "hint": "#0969da", "warning": "#9a6700"}
STYLE = ("font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; "
         "border-left: 4px solid {colour}; padding: 4px 10px")


def _part(text: str, role: str) -> str:
    text = printed(text)       # the wrapping marks become what they stand for (the browser wraps)
    if role == "bold":
        return f'<b>{escape(text)}</b>'
    colour = COLOURS.get(role)
    return f'<span style="color:{colour}">{escape(text)}</span>' if colour else escape(text)


def exercise_html(result: ExerciseResult, lang: str) -> str:
    """One exercise's public checks as an HTML fragment."""
    lines = exercise_lines(result, lang, public_only=True)
    body = "\n".join(" " * ln.indent + "".join(_part(text, role) for text, role in ln.parts) for ln in lines)
    if not result.passed:
        body += "\n" + _part(pick(tr(f"next hint: %course hint {result.id}", f"次のヒント: %course hint {result.id}"),
                                   lang), "hint")
    colour = COLOURS["passed" if result.passed else "failed"]
    return (f'<div class="course-result" data-exercise="{escape(result.id)}" '
            f'data-passed="{str(result.passed).lower()}" data-score="{points(result.score, result.max_score)}" '
            f'style="{STYLE.format(colour=colour)}">\n'
            f'<pre style="margin: 0; white-space: pre-wrap">{body}</pre>\n</div>')


def message_html(text: str, *, warning: bool = True) -> str:
    """A one-line notice (a missing dependency, an unknown exercise) in the same frame."""
    colour = COLOURS["timeout" if warning else "passed"]
    return f'<div class="course-message" style="{STYLE.format(colour=colour)}">{escape(text)}</div>'
