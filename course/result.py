"""The result model: what every way of grading produces and every renderer and exporter reads.

The JSON shape is fixed by the exercise contract (``docs/contract.md``)::

    {"submission", "score", "max_score", "exercises": [{"id", "score", "max_score",
        "checks": [{"id", "status", "score", "max_score", "visibility", "diagnosis", "message"}]}]}

Extra keys (``title``, ``hint``, ``details``, ``duration``, ``texts``, ``isolation``, ``schema``) add
information and never change the meaning of those above. ``SCHEMA_VERSION`` changes when a key's meaning does.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = 1
STATUSES = ("passed", "failed", "error", "timeout", "skipped")


@dataclass
class CheckResult:
    """One graded check: its verdict, points and the learner-facing explanation."""

    id: str
    status: str
    score: float
    max_score: float
    visibility: str = "public"       # "public" (run by `course check`) or "hidden" (grading only)
    diagnosis: str | None = None     # a code from the catalogue (`course mistakes`), or None
    message: str = ""
    title: str = ""
    hint: str = ""
    details: dict = field(default_factory=dict)
    duration: float = 0.0
    # title, message and hint in every language ({"en": {"title": …}, "ja": {…}}): the fields above hold
    # the graded language's, and renderers take any other language from here.
    texts: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass
class ExerciseResult:
    """All checks of one exercise for one submission."""

    id: str
    checks: list[CheckResult] = field(default_factory=list)
    hidden_not_run: int = 0          # hidden checks that exist but were not run (learner mode)
    isolation: str = ""
    duration: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)

    @property
    def passed(self) -> bool:
        return all(c.status in ("passed", "skipped") for c in self.checks)

    def to_dict(self) -> dict:
        """The JSON form of this exercise."""
        return {"id": self.id, "score": self.score, "max_score": self.max_score,
                "checks": [asdict(c) for c in self.checks], "hidden_not_run": self.hidden_not_run,
                "isolation": self.isolation, "duration": round(self.duration, 3)}

    @classmethod
    def from_dict(cls, d: dict) -> "ExerciseResult":
        return cls(id=d["id"], checks=[CheckResult(**c) for c in d["checks"]],
                   hidden_not_run=d.get("hidden_not_run", 0), isolation=d.get("isolation", ""),
                   duration=d.get("duration", 0.0))


@dataclass
class SubmissionResult:
    """A learner's whole submission: every exercise asked for."""

    submission: str
    exercises: list[ExerciseResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    def checks(self):
        """Every (exercise id, check) pair in order."""
        return [(e.id, c) for e in self.exercises for c in e.checks]

    def to_dict(self) -> dict:
        """The JSON form fixed by the exercise contract (plus the schema version)."""
        return {"submission": self.submission, "score": self.score, "max_score": self.max_score,
                "exercises": [e.to_dict() for e in self.exercises], "schema": SCHEMA_VERSION}

    @classmethod
    def from_dict(cls, d: dict) -> "SubmissionResult":
        """Read back what :meth:`to_dict` wrote."""
        return cls(submission=d["submission"], exercises=[ExerciseResult.from_dict(e) for e in d["exercises"]])
