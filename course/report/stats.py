"""Class-wide numbers computed from the result model, shared by the HTML and the terminal views."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from course.result import SubmissionResult


@dataclass
class Rate:
    """How many of those who ran something passed it."""

    key: str
    title: str = ""
    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass
class Mistake:
    """One diagnosis code across the class."""

    code: str
    count: int = 0
    learners: set = field(default_factory=set)
    checks: set = field(default_factory=set)


@dataclass
class Timing:
    """How long one check took across the class."""

    key: str
    durations: list = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.durations) if self.durations else 0.0

    @property
    def worst(self) -> float:
        return max(self.durations, default=0.0)


@dataclass
class Points:
    """Points scored out of points possible, summed over the class."""

    score: float = 0.0
    max_score: float = 0.0

    @property
    def fraction(self) -> float | None:
        return self.score / self.max_score if self.max_score else None


@dataclass
class ExerciseView:
    """One exercise across the class: public and hidden points apart, and each check's pass rate in order."""

    id: str
    public: Points = field(default_factory=Points)
    hidden: Points = field(default_factory=Points)
    checks: list[Rate] = field(default_factory=list)
    visibility: dict = field(default_factory=dict)     # check key -> "public" | "hidden"
    isolation: set = field(default_factory=set)


@dataclass
class ClassStats:
    """Everything the report shows."""

    learners: int
    scores: list[float]          # fraction of the maximum, per learner
    exercises: list[Rate]
    checks: list[Rate]
    mistakes: list[Mistake]      # most frequent first
    timings: list[Timing]        # slowest (mean) first
    results: list[SubmissionResult] = field(default_factory=list)   # the roster, by learner id
    views: list[ExerciseView] = field(default_factory=list)         # exercise order as graded


def compute(results: list[SubmissionResult]) -> ClassStats:
    """The class statistics of ``results`` (one per learner)."""
    if not results:
        raise ValueError("no results: the class report needs at least one graded submission")
    exercises: dict[str, Rate] = {}
    checks: dict[str, Rate] = {}
    mistakes: dict[str, Mistake] = {}
    timings: dict[str, Timing] = defaultdict(lambda: Timing(""))
    for result in results:
        for ex in result.exercises:
            rate = exercises.setdefault(ex.id, Rate(ex.id))
            rate.total += 1
            rate.passed += ex.passed
            for check in ex.checks:
                key = f"{ex.id}/{check.id}"
                timings[key].key = key
                timings[key].durations.append(check.duration)
                if check.status == "skipped":
                    continue
                crate = checks.setdefault(key, Rate(key, check.title))
                crate.total += 1
                crate.passed += check.status == "passed"
                if check.status != "passed" and check.diagnosis:
                    m = mistakes.setdefault(check.diagnosis, Mistake(check.diagnosis))
                    m.count += 1
                    m.learners.add(result.submission)
                    m.checks.add(key)
    scores = [r.score / r.max_score if r.max_score else 0.0 for r in results]
    return ClassStats(learners=len(results), scores=scores, exercises=list(exercises.values()),
                      checks=sorted(checks.values(), key=lambda r: (r.rate, r.key)),
                      mistakes=sorted(mistakes.values(), key=lambda m: (-len(m.learners), -m.count, m.code)),
                      timings=sorted(timings.values(), key=lambda t: -t.mean),
                      results=sorted(results, key=lambda r: r.submission), views=_views(results, checks))


def _views(results: list[SubmissionResult], checks: dict[str, Rate]) -> list[ExerciseView]:
    views: dict[str, ExerciseView] = {}
    for result in results:
        for ex in result.exercises:
            view = views.setdefault(ex.id, ExerciseView(ex.id))
            view.isolation.add(ex.isolation or "unknown")
            for check in ex.checks:
                key = f"{ex.id}/{check.id}"
                side = view.hidden if check.visibility == "hidden" else view.public
                side.score += check.score
                side.max_score += check.max_score
                if key in checks and key not in view.visibility:
                    view.visibility[key] = check.visibility
                    view.checks.append(checks[key])
    return list(views.values())
