"""Similarity of behaviour, from graded results: the same wrong output, or the same rare named mistake, on the
same check.

A learner's *events* are, for every check that failed: its wrong output (the check's message, which holds the
values the code returned) and its diagnosis. An event counts as evidence only when few learners share it — at
most ``RARE_SHARE`` of the class — because a mistake many make (softmax without the max shift) says nothing
about two of them. Unfinished work is no evidence either: an untouched stub fails the same way for everyone.

In a big class two learners share a rare event or two by chance. A pair is flagged only when it shares more
than chance explains: if learner A's rare events were held by others at random, another learner would hold
each event ``e`` with probability ``(n_e - 1) / (N - 1)`` (``n_e`` learners hold it, ``N`` in the class), so the
number of checks on which they share one is about Poisson with that sum as its mean; the pair is flagged when
the chance of sharing as many is below ``ALPHA`` divided by the number of pairs (a Bonferroni bound: about one
false flag in a hundred classes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from course.result import SubmissionResult

RARE_SHARE = 0.2          # an event shared by more of the class than this is common
RARE_AT_LEAST = 2         # ...but a pair always counts as rare
MIN_EVENTS = 2            # rare events a pair must share to be flagged, however small the class
ALPHA = 0.01              # chance of flagging any pair in a class of independent learners
# Outcomes of unfinished or unrunnable work, which every learner who left a stub shares.
NOT_EVIDENCE = {"not-implemented", "missing-name", "cannot-decide", "crash", "import-error", "syntax-error"}


@dataclass(frozen=True)
class Event:
    """One failed check's outcome: ``kind`` is "output" (what came back) or "diagnosis" (the code)."""

    check: str                # exercise/check id
    kind: str
    value: str


@dataclass
class BehaviourMatch:
    """Rare events two learners share, and what each one's check said."""

    events: list[Event]
    left: dict[str, str]      # check -> first lines of the left learner's message
    right: dict[str, str]


def _first_lines(message: str, n: int = 6) -> str:
    return "\n".join(message.strip().splitlines()[:n])


def events(result: SubmissionResult) -> tuple[set[Event], dict[str, str]]:
    """A learner's events and the messages behind them."""
    found, messages = set(), {}
    for ex in result.exercises:
        for check in ex.checks:
            if check.status != "failed" or check.diagnosis in NOT_EVIDENCE:
                continue
            key = f"{ex.id}/{check.id}"
            messages[key] = _first_lines(check.message)
            if check.message.strip():
                found.add(Event(key, "output", check.message.strip()))
            if check.diagnosis:
                found.add(Event(key, "diagnosis", check.diagnosis))
    return found, messages


def rare_limit(learners: int) -> int:
    """How many learners may share an event for it to still count as rare."""
    return max(RARE_AT_LEAST, int(RARE_SHARE * learners))


def _expected(rare_events: set[Event], holders: dict[Event, set[str]], n: int) -> float:
    """How many checks a learner's rare outcomes would share with one classmate, were classmates independent.

    Counted per check (a wrong output and its diagnosis on one check are one coincidence, not two): the chance
    a classmate holds one of the learner's rare events on that check is at most the largest ``(n_e-1)/(N-1)``.
    """
    per_check: dict[str, float] = {}
    for e in rare_events:
        per_check[e.check] = max(per_check.get(e.check, 0.0), (len(holders[e]) - 1) / (n - 1))
    return sum(per_check.values())


def chance(shared: int, mean: float) -> float:
    """P(X >= shared) for X Poisson with ``mean``."""
    below = sum(math.exp(-mean) * mean ** k / math.factorial(k) for k in range(shared))
    return max(0.0, 1.0 - below)


def matches(results: list[SubmissionResult]) -> dict[tuple[str, str], BehaviourMatch]:
    """(learner, learner) → what they share, for each pair sharing more rare events than chance explains."""
    per = {r.submission: events(r) for r in results}
    holders: dict[Event, set[str]] = {}
    for learner, (evs, _) in per.items():
        for e in evs:
            holders.setdefault(e, set()).add(learner)
    n = len(results)
    limit = rare_limit(n)
    rare = {e for e, who in holders.items() if 2 <= len(who) <= limit}
    mean = {learner: _expected(evs & rare, holders, n) for learner, (evs, _) in per.items()}
    bound = ALPHA / max(1, n * (n - 1) // 2)
    found = {}
    names = sorted(per)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = sorted(per[a][0] & per[b][0] & rare, key=lambda e: (e.check, e.kind))
            checks = len({e.check for e in shared})
            if len(shared) >= MIN_EVENTS and chance(checks, max(mean[a], mean[b])) < bound:
                checks = {e.check for e in shared}
                found[(a, b)] = BehaviourMatch(shared, {c: per[a][1].get(c, "") for c in checks},
                                               {c: per[b][1].get(c, "") for c in checks})
    return found
