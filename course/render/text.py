"""Check results as text for people: the one place that decides what a learner, a TA or an export reads.

The terminal (:mod:`course.render.terminal`), the notebook's check cells, the exports' feedback and the demo
all render through here, so a check reads the same everywhere. A rendering is a list of :class:`Line`
(styled parts, an indent), made in one language from the result model alone — a result holds every
language's text (``CheckResult.texts``), so one graded result renders in 日本語 and English — then wrapped
at a width by :mod:`course.render.wrap` (never inside a word, a number or a table row).
"""
from __future__ import annotations

from dataclasses import dataclass

from course import registry
from course.i18n import LABELS, pick, tr
from course.render.wrap import GLUE, printed, unbreakable, wrap_spans
from course.result import CheckResult, ExerciseResult

MARKS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱", "skipped": "–"}
# What follows a check's header line is indented this far, under the title.
DETAIL_INDENT = 5
# A check's header that wraps continues under its title (after " ✗ "), whatever the title's colons.
HEADER_HANG = 3
# Widths used where there is no terminal to ask: notebook cells and exported feedback.
PLAIN_WIDTH = 100


@dataclass(frozen=True)
class Line:
    """One logical line: ``(text, style)`` parts (a style names a role: ``"passed"``, ``"dim"``,
    ``"diagnosis"``…; the terminal gives each role its colour), indented by ``indent`` cells, which its
    wrapped continuations keep; ``hang``, when set, is how much further they are indented."""

    parts: tuple[tuple[str, str], ...]
    indent: int = 0
    hang: int | None = None

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


# Diagnoses of a module that cannot be loaded at all: every check that needs it ends with the same error.
SHOWN_ONCE = frozenset({"syntax-error", "import-error", "exit-called"})


def line(*parts, indent: int = 0, hang: int | None = None) -> Line:
    """A :class:`Line` from plain strings (unstyled) and ``(text, style)`` pairs."""
    return Line(tuple(p if isinstance(p, tuple) else (p, "") for p in parts if p), indent, hang)


def check_text_in(check: CheckResult, key: str, lang: str) -> str:
    """The check's ``title``, ``message`` or ``hint`` in ``lang`` (the graded language where the result
    holds no other, e.g. one read back from an older JSON file)."""
    texts = check.texts.get(lang) if check.texts else None
    if texts and key in texts:
        return texts[key]
    return getattr(check, key)


def points(score: float, max_score: float) -> str:
    """``3/5``: a score as people write it."""
    return f"{score:g}/{max_score:g}"


def check_header(check: CheckResult, lang: str) -> Line:
    """The check's mark, title in ``lang``, id and points: `` ✗ softmax sums to 1 softmax.rows  0/1``."""
    title = check_text_in(check, "title", lang) or check.id
    return line(" ", (MARKS[check.status], check.status), " ", title + " ", (check.id, "dim"), GLUE * 2,
                (points(check.score, check.max_score), check.status), hang=HEADER_HANG)


def check_body(check: CheckResult, lang: str) -> list[Line]:
    """What a check explains: its message, and when it did not pass the named mistake and the hint."""
    lines = [line(text) for text in check_text_in(check, "message", lang).splitlines()]
    if check.status == "passed":
        return lines
    if check.diagnosis:
        from course.mistakes import explain
        lines.append(line((f"{pick(LABELS['diagnosis'], lang)} [{check.diagnosis}]", "diagnosis"), " ",
                          explain(check.diagnosis, lang)))
    hint = check_text_in(check, "hint", lang)
    # A check's hint is about its function; a module that does not load needs its error read first.
    if hint and check.status != "skipped" and check.diagnosis not in SHOWN_ONCE:
        lines.append(line((f"{pick(LABELS['hint'], lang)}:", "hint"), " ", hint))
    return lines


def check_lines(check: CheckResult, lang: str) -> list[Line]:
    """One check: its header, then (when it did not pass) its explanation indented under it."""
    body = [] if check.status == "passed" else check_body(check, lang)
    return [check_header(check, lang)] + [Line(ln.parts, DETAIL_INDENT, ln.hang) for ln in body]


def score_line(result: ExerciseResult, lang: str) -> Line:
    """``score 9/10 · 7 more hidden checks run when your work is graded``."""
    total = points(result.score, result.max_score)
    text = pick(tr(f"score {total}", f"得点 {total}"), lang)
    if result.hidden_not_run:
        text += pick(tr(f" · {result.hidden_not_run} more hidden checks run when your work is graded",
                        f" · 採点時にはさらに {result.hidden_not_run} 個の非公開チェックが実行されます"), lang)
    return line((text, "passed" if result.passed else "failed"))


def exercise_lines(result: ExerciseResult, lang: str, *, public_only: bool) -> list[Line]:
    """One exercise in detail: a heading, every check (explained when it did not pass), the score."""
    ex = registry.get(result.id)
    kind = tr("public checks", "公開チェック") if public_only else tr("all checks", "全チェック")
    lines = [line((ex.id, "bold"), f" — {pick(ex.title, lang)}  ", (unbreakable(f"({pick(kind, lang)})"), "dim"))]
    first_of = {}      # a module that cannot load fails every check alike: its error is shown once
    for check in result.checks:
        key = (check.diagnosis, check_text_in(check, "message", lang))
        if check.diagnosis in SHOWN_ONCE and key in first_of:
            lines += [check_header(check, lang), Line(line(pick(tr(
                f"the same error as {first_of[key]} above", f"上の {first_of[key]} と同じエラーです"), lang)).parts,
                DETAIL_INDENT)]
            continue
        first_of.setdefault(key, check.id)
        lines += check_lines(check, lang)
    lines.append(score_line(result, lang))
    if result.isolation == "process":
        lines.append(line((pick(tr("note: no kernel sandbox on this machine; your code ran in a plain process",
                                   "注意: この環境ではサンドボックスが使えないため、通常のプロセスで実行しました"),
                                lang), "dim")))
    return lines


def physical(lines: list[Line], width: int | None) -> list[list[tuple[str, str]]]:
    """``lines`` wrapped at ``width`` cells: the styled parts of each line as it is printed."""
    out = []
    for ln in lines:
        text, pad = ln.text, " " * ln.indent
        bounds, offset = [], 0
        for part, style in ln.parts:
            bounds.append((offset, offset + len(part), style))
            offset += len(part)
        for start, end, indent in wrap_spans(text, None if width is None else max(width - ln.indent, 1), ln.hang):
            row = [(pad + indent, "")] if pad or indent else []
            for a, b, style in bounds:
                lo, hi = max(a, start), min(b, end)
                if lo < hi:
                    row.append((printed(text[lo:hi]), style))
            out.append(row)
    return out


def render(lines: list[Line], width: int | None = PLAIN_WIDTH) -> str:
    """``lines`` as plain text wrapped at ``width`` cells (None: not wrapped)."""
    return "\n".join("".join(text for text, _ in row).rstrip() for row in physical(lines, width))


def not_checked(exercise_id: str, why, lang: str) -> str:
    """What a learner reads when no sandbox could be set up for their code (the machine's failure): nothing
    was checked, and trying again is the way out."""
    return pick(tr(f"{exercise_id} was not checked: no sandbox could be set up for your code on this machine "
                   f"({why}); try again", f"{exercise_id} はチェックしていません: このマシンであなたのコードの"
                   f"サンドボックスを用意できませんでした ({why})。もう一度試してください"), lang)


def check_text(check: CheckResult, lang: str, width: int | None = PLAIN_WIDTH) -> str:
    """A check's explanation as plain text (message, named mistake, hint), for feedback outside a terminal."""
    return render(check_body(check, lang), width)
