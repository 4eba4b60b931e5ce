"""Rendering one exercise's result as HTML, for notebooks (``%course check``): the same content as the
terminal's detail view — every check, and for each that did not pass its message, diagnosis and hint.

The outer element carries the verdict as data (``data-passed``, ``data-score``) so that a notebook's output
can be read by a program (the kit's notebook tests do) as well as by a person.
"""
from __future__ import annotations

from html import escape

from course import registry
from course.i18n import LABELS, pick, tr
from course.result import ExerciseResult

MARKS = {"passed": ("✓", "#1a7f37"), "skipped": ("–", "#6e7781"), "failed": ("✗", "#cf222e"),
         "error": ("!", "#cf222e"), "timeout": ("⏱", "#9a6700")}
STYLE = ("font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; "
         "border-left: 4px solid {colour}; padding: 4px 10px")


def _points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def _check_html(check, lang: str) -> str:
    mark, colour = MARKS[check.status]
    head = (f'<div><span style="color:{colour}; font-weight:bold">{mark}</span> {escape(check.title or check.id)} '
            f'<span style="color:#6e7781">{escape(check.id)} · {_points(check.score, check.max_score)}</span></div>')
    if check.status in ("passed", "skipped") and not check.message:
        return head
    parts = [head]
    if check.message:
        parts.append(f'<pre style="margin: 2px 0 2px 18px; white-space: pre-wrap">{escape(check.message)}</pre>')
    if check.diagnosis:
        from course.mistakes import explain
        parts.append(f'<div style="margin-left: 18px; color:#8250df">{escape(pick(LABELS["diagnosis"], lang))} '
                     f'[{escape(check.diagnosis)}] {escape(explain(check.diagnosis, lang))}</div>')
    if check.hint:
        parts.append(f'<div style="margin-left: 18px; color:#0969da">{escape(pick(LABELS["hint"], lang))}: '
                     f'{escape(check.hint)}</div>')
    return "\n".join(parts)


def exercise_html(result: ExerciseResult, lang: str) -> str:
    """One exercise's public checks as an HTML fragment."""
    title = pick(registry.get(result.id).title, lang)
    colour = MARKS["passed" if result.passed else "failed"][1]
    rows = "\n".join(_check_html(c, lang) for c in result.checks)
    footer = pick(tr("score", "得点"), lang) + f" {_points(result.score, result.max_score)}"
    if result.hidden_not_run:
        footer += pick(tr(f" · {result.hidden_not_run} more hidden checks run when your work is graded",
                          f" · 採点時にはさらに非公開のチェックが {result.hidden_not_run} 個実行されます"), lang)
    if not result.passed:
        footer += pick(tr(f" · next hint: %course hint {result.id}", f" · 次のヒント: %course hint {result.id}"), lang)
    if result.isolation == "process":        # the terminal says the same (course.render.text)
        footer += pick(tr(" · note: no kernel sandbox here; your code ran in a plain process",
                          " · 注意: この環境ではサンドボックスが使えないため、通常のプロセスで実行しました"), lang)
    return (f'<div class="course-result" data-exercise="{escape(result.id)}" '
            f'data-passed="{str(result.passed).lower()}" data-score="{_points(result.score, result.max_score)}" '
            f'style="{STYLE.format(colour=colour)}">\n'
            f'<div style="font-weight:bold">{escape(result.id)} — {escape(title)}</div>\n{rows}\n'
            f'<div style="margin-top: 4px">{escape(footer)}</div>\n</div>')


def message_html(text: str, *, warning: bool = True) -> str:
    """A one-line notice (a missing dependency, an unknown exercise) in the same frame."""
    colour = MARKS["timeout" if warning else "passed"][1]
    return f'<div class="course-message" style="{STYLE.format(colour=colour)}">{escape(text)}</div>'
