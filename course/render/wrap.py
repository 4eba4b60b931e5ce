"""Line wrapping for people: at a width in terminal cells, never inside a word, a number or a table row.

rich wraps at the console's width wherever a character falls, so an array, a word or a row of the gradient
table could be cut in two. Here a line breaks only at a space, or between two Japanese characters where
Japanese allows it (never before 、。) or after （「); a piece that is wider than the line on its own (a long
path) stays whole and overflows. A table row (columns separated by runs of spaces) never breaks. A line that
wraps keeps its indentation, repeats a quote prefix (``  | `` before what the learner's code printed) and
hangs its continuation after a short label (``expected: ``, ``x = ``), so the value reads as one block.
"""
from __future__ import annotations

import re
import unicodedata

from rich.cells import cell_len

# Marks a text's author puts where a line must not break: a space that does not break (printed as a space)
# and a joiner of zero width between characters (printed as nothing).
GLUE, JOIN = "\u00a0", "\u2060"
# Japanese line-breaking rules (kinsoku): no line starts with these, none ends with the openers.
NO_LINE_START = set("、。，．・：；？！ゃゅょっァィゥェォャュョッー…‥）」』】〕〉》”’)]},.:;!?%")
NO_LINE_END = set("（「『【〔〈《“‘([{")
# A label that a wrapped value hangs after: "expected: ", "x = ", "診断 [code] "; longer ones are prose.
LABEL = re.compile(r"\s*(?:\| )?(?:[^\s:=][^:=]{0,23}?(?:: |= )|\[[^\]]{1,40}\] )")
QUOTE = re.compile(r"\s*\| ")
# Columns of a table are separated by two or more spaces; a row has at least three columns.
TABLE_GAP = re.compile(r"\S {2,}(?=\S)")
# A continuation hangs after the label only while that leaves this share of the line for the value.
MAX_HANG_SHARE = 0.5


def is_table_row(line: str) -> bool:
    """True for a row of a text table (three or more columns separated by runs of spaces)."""
    return len(TABLE_GAP.findall(line.strip())) >= 2


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _may_break(before: str, after: str) -> bool:
    """Whether a line may end between the characters ``before`` and ``after`` (no space between them)."""
    if after in NO_LINE_START or before in NO_LINE_END or JOIN in (before, after):
        return False
    return _wide(before) or _wide(after)


def break_points(line: str, start: int = 0) -> list[tuple[int, int]]:
    """Where ``line`` may break after ``start``: (end of this line, start of the next) offsets.

    At a run of spaces the spaces are dropped; between Japanese characters nothing is.
    """
    points = []
    i = start
    while i < len(line):
        if line[i] == " ":
            j = i
            while j < len(line) and line[j] == " ":
                j += 1
            if i > start and j < len(line):
                points.append((i, j))
            i = j
            continue
        if i > start and line[i - 1] != " " and _may_break(line[i - 1], line[i]):
            points.append((i, i))
        i += 1
    return points


def unbreakable(text: str) -> str:
    """``text`` marked so that no line breaks inside it (a heading's "(全チェック)")."""
    return JOIN.join(text.replace(" ", GLUE))


def printed(text: str) -> str:
    """``text`` as it is printed: the marks that kept it from breaking removed."""
    return text.replace(GLUE, " ").replace(JOIN, "")


def _prefix(line: str, width: int, hang: int | None) -> tuple[str, str]:
    """(what the first line starts with, what each continuation line starts with)."""
    indent = line[:len(line) - len(line.lstrip(" "))]
    if hang is not None:
        return indent, " " * hang
    quote = QUOTE.match(line)
    if quote:
        return quote.group(0), quote.group(0) + "  "
    label = LABEL.match(line)
    if label and cell_len(label.group(0)) <= MAX_HANG_SHARE * width:
        return indent, " " * cell_len(label.group(0))
    return indent, indent + "  "


def wrap_spans(line: str, width: int | None, hang: int | None = None) -> list[tuple[int, int, str]]:
    """How to wrap ``line`` at ``width`` cells: (start, end, indent) for each output line, where the output
    line is ``indent + line[start:end]``. ``width`` None means no wrapping; ``hang`` fixes the indent of
    continuation lines (otherwise it follows the line's indent, quote prefix or label)."""
    line = line.rstrip()
    if width is None or cell_len(line) <= width or is_table_row(line):
        return [(0, len(line), "")]
    first, cont = _prefix(line, width, hang)
    spans, start, indent = [], 0, ""
    points = break_points(line, len(first))
    while True:
        room = width - cell_len(indent)
        if cell_len(line[start:]) <= room:
            spans.append((start, len(line), indent))
            return spans
        best = None
        for end, nxt in points:
            if end <= start:
                continue
            if cell_len(line[start:end]) > room:
                if best is None:           # the first piece does not fit on its own: it stays whole
                    best = (end, nxt)
                break
            best = (end, nxt)
        if best is None:
            spans.append((start, len(line), indent))
            return spans
        spans.append((start, best[0], indent))
        start, indent = best[1], cont


def wrap(line: str, width: int | None, hang: int | None = None) -> list[str]:
    """``line`` wrapped at ``width`` cells (see the module's rules and :func:`wrap_spans`)."""
    return [indent + printed(line[a:b]) for a, b, indent in wrap_spans(line, width, hang)]
