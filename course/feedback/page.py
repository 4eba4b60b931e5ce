"""One learner's feedback page: the score of each exercise, and each check as the terminal explains it.

Public checks show everything ``course check`` shows (message with the call and values, the named mistake, the
hint). Hidden checks show their verdict, points, named mistake and hint, never their message: it holds the
hidden inputs and expected values, which would then be public (nbgrader#917 is the same leak in nbgrader's
feedback). Text comes from :mod:`course.render.text`, so a page reads like the terminal, in 日本語 or English.
"""
from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from course import registry
from course.i18n import pick, tr
from course.render import text as render
from course.result import CheckResult, ExerciseResult, SubmissionResult

STYLE = ("body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em}"
         "pre{white-space:pre-wrap;margin:.2em 0 .6em 2.5em;font-size:90%}h2{margin-top:1.4em}"
         ".passed{color:#1a7f37}.failed,.error,.timeout{color:#cf222e}.skipped,.dim{color:#777}"
         ".diagnosis{color:#8250df;font-weight:bold}.hint{color:#9a6700;font-weight:bold}.bold{font-weight:bold}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}")
STATUS = {"failed": tr("failed", "不合格"), "error": tr("error", "エラー"), "timeout": tr("timed out", "時間切れ"),
          "skipped": tr("not run", "未実行")}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def page_name(learner: str) -> str:
    """The file name of a learner's page: the id with anything but letters, digits, ``._-`` escaped."""
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), learner) + ".html"


def _spans(lines: list[render.Line]) -> str:
    return "\n".join("".join(f'<span class="{s}">{html.escape(t)}</span>' if s else html.escape(t)
                             for t, s in ln.parts) for ln in lines)


def _without_inputs(check: CheckResult) -> CheckResult:
    """The check as a hidden check may be shown: its message (inputs and expected values) removed."""
    return replace(check, message="", texts={k: {**v, "message": ""} for k, v in (check.texts or {}).items()})


def _check(check: CheckResult, lang: str) -> str:
    hidden = check.visibility == "hidden"
    head = render.check_header(check, lang)
    verdict = "" if check.status == "passed" else f" · {pick(STATUS.get(check.status, check.status), lang)}"
    tag = pick(tr(" (hidden check", " (非公開チェック"), lang) + verdict + ")" if hidden else ""
    body = render.check_body(_without_inputs(check) if hidden else check, lang)
    return (f"<div>{_spans([head])}<span class=\"dim\">{html.escape(tag)}</span></div>"
            + (f"<pre>{_spans(body)}</pre>" if body else ""))


def _exercise(ex: ExerciseResult, lang: str) -> str:
    try:
        title = pick(registry.get(ex.id).title, lang)
    except KeyError:
        title = ""
    note = ""
    if ex.isolation == "process":
        note = pick(tr("graded without the kernel sandbox (plain process isolation)",
                       "カーネルのサンドボックスなし (通常のプロセス) で採点"), lang)
    checks = "".join(_check(c, lang) for c in ex.checks)
    return (f'<h2 id="{html.escape(ex.id)}">{html.escape(ex.id)} — {html.escape(title)} '
            f'<span class="{"passed" if ex.passed else "failed"}">{render.points(ex.score, ex.max_score)}</span>'
            f"</h2>{checks}" + (f'<p class="dim">{html.escape(note)}</p>' if note else ""))


def render_page(result: SubmissionResult, lang: str = "en", course: str = "") -> str:
    """The whole feedback page of ``result`` in ``lang``."""
    heading = pick(tr(f"Feedback for {result.submission}", f"{result.submission} さんへのフィードバック"), lang)
    total = pick(tr("total", "合計"), lang)
    rows = "".join(f'<tr><td><a href="#{html.escape(e.id)}">{html.escape(e.id)}</a></td>'
                   f'<td class="{"passed" if e.passed else "failed"}">{render.points(e.score, e.max_score)}</td></tr>'
                   for e in result.exercises)
    summary = (f"<table><tr><th>{pick(tr('exercise', '演習'), lang)}</th><th>{pick(tr('score', '得点'), lang)}"
               f"</th></tr>{rows}<tr><th>{total}</th><th>{render.points(result.score, result.max_score)}</th>"
               "</tr></table>")
    explain = pick(tr("Hidden checks show their verdict and the mistake they named, not their inputs.",
                      "非公開チェックは判定と見つかったミスだけを示し、入力は示しません。"), lang)
    title = f"{course} — {heading}" if course else heading
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{summary}"
            f'<p class="dim">{explain}</p>'
            + "".join(_exercise(e, lang) for e in result.exercises) + "</body></html>\n")


def write_pages(results: list[SubmissionResult], folder: Path, lang: str = "en", course: str = "") -> dict[str, Path]:
    """Write one page per learner into ``folder``; return learner id → page path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for result in results:
        path = folder / page_name(result.submission)
        path.write_text(render_page(result, lang, course), encoding="utf-8")
        written[result.submission] = path
    return written
