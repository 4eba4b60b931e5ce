"""Code similarity by winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003: the algorithm behind MOSS).

Each module is turned into tokens (comments, docstrings and layout dropped; every identifier becomes ``V``,
every number ``N`` and every string ``S``, attribute names kept since ``.sum(axis=0)`` says what code does).
Every run of ``K`` tokens is hashed, and in each window of ``W`` consecutive hashes the smallest is kept: any
match of at least ``W + K - 1`` tokens is then guaranteed to share a fingerprint. Fingerprints found in the
base code (stubs, ``--base`` folders) or in more submissions than a rare outcome may be in (a fifth of the
class, and always a pair: :func:`course.similarity.behaviour.rare_limit`) are dropped, as MOSS drops base files
and passages common to many submissions (its ``-m``).
"""
from __future__ import annotations

import hashlib
import io
import keyword
import token
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

K = 10          # tokens per hashed run: about one line of Python
W = 6           # window: matches of W + K - 1 = 15 tokens or more are always found


@dataclass
class Fingerprints:
    """One module's fingerprints: hash → the source lines of the runs that produced it."""

    path: Path
    lines: list[str]
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def hashes(self) -> set[int]:
        return set(self.spans)


def tokens(source: str) -> list[tuple[str, int]]:
    """The normalised tokens of ``source`` with their line numbers (an unreadable module gives its lines)."""
    out: list[tuple[str, int]] = []
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            kind, text, line = tok.type, tok.string, tok.start[0]
            if kind in (token.COMMENT, token.NL, token.NEWLINE, token.INDENT, token.DEDENT, token.ENDMARKER):
                continue
            if kind == token.STRING and previous in ("", ":", "NEWLINE"):
                continue          # a docstring or a bare string statement
            if kind == token.NAME and not keyword.iskeyword(text) and previous != ".":
                text = "V"
            elif kind == token.NUMBER:
                text = "N"
            elif kind == token.STRING:
                text = "S"
            out.append((text, line))
            previous = text
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # A module that does not tokenize (a syntax error) is compared word by word instead.
        out = [(word, n) for n, text in enumerate(source.splitlines(), 1) for word in text.split()]
    return out


def _hash(run: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(run).encode(), digest_size=8).digest(), "big")


def fingerprint(path: Path) -> Fingerprints:
    """The winnowed fingerprints of one module."""
    source = Path(path).read_text(encoding="utf-8", errors="replace")
    toks = tokens(source)
    result = Fingerprints(Path(path), source.splitlines())
    grams = [(_hash([t for t, _ in toks[i:i + K]]), toks[i][1], toks[i + K - 1][1])
             for i in range(len(toks) - K + 1)]
    chosen = set()
    for start in range(max(len(grams) - W + 1, 1 if grams else 0)):
        window = grams[start:start + W]
        # the rightmost smallest hash, as the paper's robust winnowing picks it
        best = min(range(len(window)), key=lambda i: (window[i][0], -i))
        chosen.add(start + best)
    for i in sorted(chosen):
        h, first, last = grams[i]
        result.spans.setdefault(h, []).append((first, last))
    return result


def base_hashes(folders: list[Path]) -> set[int]:
    """Fingerprints of every ``.py`` file under ``folders``: code all learners were given or may follow."""
    found: set[int] = set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                found |= fingerprint(path).hashes
    return found


def common_hashes(modules: list[Fingerprints], limit: int) -> set[int]:
    """Fingerprints in more than ``limit`` of the modules: code many wrote alike, no evidence about two."""
    counts: dict[int, int] = {}
    for module in modules:
        for h in module.hashes:
            counts[h] = counts.get(h, 0) + 1
    return {h for h, n in counts.items() if n > limit}


@dataclass
class CodeMatch:
    """Two learners' versions of one module that share fingerprints nobody was given."""

    module: str
    shared: int                      # fingerprints in common, base and common code removed
    fraction: float                  # shared / fingerprints of the smaller side
    left: list[tuple[int, int]]      # merged line ranges in each side's file
    right: list[tuple[int, int]]
    left_lines: list[str]
    right_lines: list[str]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def compare(module: str, a: Fingerprints, b: Fingerprints, ignore: set[int]) -> CodeMatch | None:
    """What ``a`` and ``b`` share beyond ``ignore``; None when they share nothing."""
    own_a, own_b = a.hashes - ignore, b.hashes - ignore
    shared = own_a & own_b
    if not shared:
        return None
    spans_a = [s for h in shared for s in a.spans[h]]
    spans_b = [s for h in shared for s in b.spans[h]]
    return CodeMatch(module, len(shared), len(shared) / min(len(own_a), len(own_b)), _merge(spans_a),
                     _merge(spans_b), a.lines, b.lines)
