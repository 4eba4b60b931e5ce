"""Submission times, the due date and the late penalty, with nbgrader's semantics.

- A submission's time is nbgrader's ``timestamp.txt`` in its folder when there is one (``nbgrader collect``
  and ``zip_collect`` write it), else the newest modification time of its files.
- Seconds late are ``max(0, timestamp - due)`` (``SubmittedAssignment.total_seconds_late``); without a due date
  or a timestamp nothing is late.
- The penalty rule is one of nbgrader's methods, ``none`` (the default) and ``zero`` (the whole score), or points
  per hour or per day late, rounded to whole hours or days as nbgrader's documented ``SubMarks`` plugin
  rounds them.
  As ``AssignLatePenalties`` does, a penalty is clamped to ``[0, raw score]`` and the score is
  ``raw score - penalty``.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SECONDS = {"hour": 3600, "day": 86400}
_RULE = re.compile(r"^(?P<points>\d+(\.\d+)?)/(?P<unit>hour|day)$")


class LatenessError(ValueError):
    """A due date or penalty rule that cannot be read."""


def parse_time(text: str) -> datetime:
    """A date and time such as ``2026-12-01 17:00``, ``2026-12-01T17:00:00+09:00`` or nbgrader's
    ``2026-12-01 17:00:00.000000 UTC``; without a zone it is UTC, as nbgrader takes it."""
    cleaned = text.strip().removesuffix("UTC").strip()
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise LatenessError(f"{text!r} is not a date and time (write e.g. 2026-12-01 17:00 or "
                            f"2026-12-01T17:00+09:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def submission_time(folder: Path) -> datetime | None:
    """When the submission in ``folder`` was handed in (see the module's docstring), or None for no file."""
    folder = Path(folder)
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        return parse_time(stamp.read_text(encoding="utf-8"))
    times = []
    # os.walk follows no link and skips what cannot be read (a submission nested past the system's path length
    # must not stop the class from being graded).
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            try:
                st = os.lstat(os.path.join(parent, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                times.append(st.st_mtime)
    return datetime.fromtimestamp(max(times), timezone.utc) if times else None


@dataclass(frozen=True)
class LateRule:
    """How many points a late submission loses: ``none``, ``zero``, ``P/hour`` or ``P/day``."""

    method: str = "none"
    points: float = 0.0
    unit: str = "hour"

    @classmethod
    def parse(cls, text: str) -> "LateRule":
        """The rule written as on the command line."""
        if text in ("none", "zero"):
            return cls(text)
        match = _RULE.match(text.strip())
        if not match:
            raise LatenessError(f"late penalty {text!r}: use none, zero, or points per hour or day late "
                                f"(e.g. 1/hour, 10/day)")
        return cls("per", float(match["points"]), match["unit"])

    def penalty(self, raw_score: float, seconds_late: float) -> float:
        """Points taken from ``raw_score`` for ``seconds_late``, clamped as nbgrader clamps them."""
        if seconds_late <= 0 or self.method == "none":
            return 0.0
        if self.method == "zero":
            return raw_score
        periods = round(seconds_late / SECONDS[self.unit])
        return min(max(0.0, periods * self.points), raw_score)


def seconds_late(timestamp: datetime | None, due: datetime | None) -> float:
    """``max(0, timestamp - due)``; 0 without either."""
    if timestamp is None or due is None:
        return 0.0
    return max(0.0, (timestamp - due).total_seconds())
