"""Similarity of behaviour, from graded results: the same wrong output, or the same rare named mistake, on the
same check.

A learner's *events* are, for every check that failed: its wrong output (the check's message, which holds the
values the code returned) and its diagnosis. An event counts as evidence only when few learners share it — at
most ``RARE_SHARE`` of the class, and never more than a handful — because a mistake many make (softmax without
the max shift) says nothing about two of them. Unfinished work is no evidence either: an untouched stub fails
the same way for everyone.
"""
from __future__ import annotations

from dataclasses import dataclass

from course.result import SubmissionResult

RARE_SHARE = 0.2          # an event shared by more of the class than this is common
RARE_AT_LEAST = 2         # ...but a pair always counts as rare
MIN_EVENTS = 2            # rare events a pair must share to be flagged
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


def matches(results: list[SubmissionResult]) -> dict[tuple[str, str], BehaviourMatch]:
    """(learner, learner) → what they share, for each pair sharing at least ``MIN_EVENTS`` rare events."""
    per = {r.submission: events(r) for r in results}
    holders: dict[Event, set[str]] = {}
    for learner, (evs, _) in per.items():
        for e in evs:
            holders.setdefault(e, set()).add(learner)
    limit = rare_limit(len(results))
    rare = {e for e, who in holders.items() if 2 <= len(who) <= limit}
    found = {}
    names = sorted(per)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = sorted(per[a][0] & per[b][0] & rare, key=lambda e: (e.check, e.kind))
            if len(shared) >= MIN_EVENTS:
                checks = {e.check for e in shared}
                found[(a, b)] = BehaviourMatch(shared, {c: per[a][1].get(c, "") for c in checks},
                                               {c: per[b][1].get(c, "") for c in checks})
    return found
