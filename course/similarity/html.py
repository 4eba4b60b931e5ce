"""The similarity evidence for people: an HTML section (the report's, or a page of its own) and terminal lines.

Each flagged pair shows, per module, the matching passages of both learners' code side by side (line numbers
kept), and the rare outcomes they share with what each one's check said. The wording says what the numbers
are, not what they mean: the instructor decides.
"""
from __future__ import annotations

import html

from course.i18n import pick, tr
from course.similarity.pairs import Pair

CONTEXT_LINES = 40      # at most this many lines of each matched passage are shown


def _passage(lines: list[str], spans: list[tuple[int, int]]) -> str:
    shown = []
    for first, last in spans:
        shown += [f"{n:4d}  {lines[n - 1]}" for n in range(first, min(last, first + CONTEXT_LINES - 1) + 1)
                  if n <= len(lines)]
        shown.append("   ⋮")
    return html.escape("\n".join(shown[:-1]))


def _pair(pair: Pair, lang: str) -> str:
    out = [f"<h3>{html.escape(pair.left)} ↔ {html.escape(pair.right)}</h3>"]
    for m in pair.code:
        what = pick(tr(f"{m.module}: {m.shared} fingerprints in common beyond the base code "
                       f"({100 * m.fraction:.0f}% of the smaller one's own code)",
                       f"{m.module}: 配布コード以外で共通する指紋 {m.shared} 個 (小さい方の独自コードの "
                       f"{100 * m.fraction:.0f}%)"), lang)
        out.append(f"<p>{html.escape(what)}</p><table class=\"sim\"><tr><th>{html.escape(pair.left)}</th>"
                   f"<th>{html.escape(pair.right)}</th></tr><tr><td><pre>{_passage(m.left_lines, m.left)}</pre>"
                   f"</td><td><pre>{_passage(m.right_lines, m.right)}</pre></td></tr></table>")
    if pair.behaviour:
        b = pair.behaviour
        what = pick(tr(f"{len(b.events)} rare outcomes in common (the same wrong output or the same named mistake "
                       "on the same check, which few others share):",
                       f"まれな結果が {len(b.events)} 個共通 (同じチェックで同じ誤った出力か同じ診断。"
                       "ほかにはほとんど見られません):"), lang)
        rows = "".join(f"<tr><td>{html.escape(e.check)}</td><td>{html.escape(e.kind)}"
                       f"{': ' + html.escape(e.value) if e.kind == 'diagnosis' else ''}</td></tr>" for e in b.events)
        side = "".join(f"<tr><td>{html.escape(c)}</td><td><pre>{html.escape(b.left[c])}</pre></td>"
                       f"<td><pre>{html.escape(b.right[c])}</pre></td></tr>" for c in sorted(b.left))
        out.append(f"<p>{html.escape(what)}</p><table>{rows}</table><table class=\"sim\"><tr><th></th>"
                   f"<th>{html.escape(pair.left)}</th><th>{html.escape(pair.right)}</th></tr>{side}</table>")
    return "".join(out)


def section(pairs: list[Pair], lang: str, limit: int | None = None) -> str:
    """The similarity section: an explanation, then each pair with its evidence (the ``limit`` strongest)."""
    intro = pick(tr("Pairs whose code shares passages that are in neither the stubs nor the base code, or whose "
                    "results share rare wrong outputs or named mistakes. This flags; it does not decide.",
                    "配布コードにも基準コードにもない部分が共通する提出物、またはまれな誤出力・診断が共通する提出物の"
                    "組です。判断するのは教員です。"), lang)
    if not pairs:
        none = pick(tr("No pair is unusually alike.", "特によく似た組はありません。"), lang)
        return f"<p>{html.escape(intro)}</p><p>{html.escape(none)}</p>"
    style = "<style>.sim td{vertical-align:top;width:50%}.sim pre{font-size:80%;white-space:pre-wrap}</style>"
    shown = pairs if limit is None else pairs[:limit]
    more = len(pairs) - len(shown)
    rest = pick(tr(f"{more} more pairs: `course similarity` lists them all.",
                   f"ほかに {more} 組あります。すべては `course similarity` で表示できます。"), lang) if more else ""
    return (style + f"<p>{html.escape(intro)}</p>" + "".join(_pair(p, lang) for p in shown)
            + (f"<p>{html.escape(rest)}</p>" if rest else ""))


def page(pairs: list[Pair], lang: str, title: str) -> str:
    """A page of its own for ``course similarity --html``."""
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            "<style>body{font-family:sans-serif;max-width:80em;margin:auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{section(pairs, lang)}</body></html>\n")


def summary_lines(pairs: list[Pair], lang: str) -> list[str]:
    """One line per pair for the terminal."""
    if not pairs:
        return [pick(tr("no pair is unusually alike", "特によく似た組はありません"), lang)]
    lines = []
    for p in pairs:
        parts = [f"{m.module} ({m.shared} fp, {100 * m.fraction:.0f}%)" for m in p.code]
        if p.behaviour:
            parts.append(pick(tr(f"{len(p.behaviour.events)} rare outcomes", f"まれな結果 {len(p.behaviour.events)} 個"),
                              lang))
        lines.append(f"{p.left} ↔ {p.right}: " + "; ".join(parts))
    return lines
