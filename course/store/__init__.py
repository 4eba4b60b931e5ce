"""The results store: every graded exercise, kept in SQLite as soon as it is graded.

One row per (learner, exercise). A row is written in its own transaction the moment its exercise is graded,
so a run killed at any instant (Ctrl-C, SIGKILL, a power cut) keeps every finished exercise and holds no half
row; the next run reads them back instead of grading again. ``INSERT OR REPLACE`` on the primary key makes a
regrade replace the old row, never add a second one.

A stored row is reused only while both hashes still match: the learner's exercise folder (``content_hash``)
and the kit's graders and solution for that exercise (``graders_hash``).
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from course.result import ExerciseResult, SubmissionResult

# Bump when the table layout changes; an older file is refused with a message instead of misread.
STORE_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    learner       TEXT NOT NULL,
    exercise      TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    graders_hash  TEXT NOT NULL,
    score         REAL NOT NULL,
    max_score     REAL NOT NULL,
    result        TEXT NOT NULL,
    graded_at     REAL NOT NULL,
    PRIMARY KEY (learner, exercise)
);
"""


class StoreError(Exception):
    """The store file cannot be used (not SQLite, or written by an incompatible version)."""


class ResultStore:
    """An SQLite file of graded exercises; safe to use from one grading run at a time."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            # Only the grading process writes; a long timeout rides out a reader (a report) holding a lock.
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            row = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a results store ({exc})") from None
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('version', ?)", (str(STORE_VERSION),))
        elif int(row[0]) != STORE_VERSION:
            raise StoreError(f"{self.path} was written by store version {row[0]}; this kit reads version "
                             f"{STORE_VERSION}. Grade into a new file (--store) or regrade with --force.")

    def close(self) -> None:
        """Close the file (everything is already committed)."""
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def lookup(self, learner: str, exercise: str, content_hash: str, graders_hash: str) -> ExerciseResult | None:
        """The stored result when it was graded from the same content with the same graders, else None."""
        row = self.db.execute(
            "SELECT result FROM results WHERE learner=? AND exercise=? AND content_hash=? AND graders_hash=?",
            (learner, exercise, content_hash, graders_hash)).fetchone()
        return ExerciseResult.from_dict(json.loads(row[0])) if row else None

    def put(self, learner: str, result: ExerciseResult, content_hash: str, graders_hash: str) -> None:
        """Store one graded exercise, replacing any earlier result for the same learner and exercise."""
        self.db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (learner, result.id, content_hash, graders_hash, result.score, result.max_score,
                         json.dumps(result.to_dict(), ensure_ascii=False), time.time()))

    def learners(self) -> list[str]:
        """Every learner with at least one stored exercise, sorted."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT learner FROM results ORDER BY learner")]

    def submission(self, learner: str, exercises: list[str] | None = None) -> SubmissionResult:
        """A learner's stored exercises as one result (in ``exercises`` order when given, else by id)."""
        rows = {ex: json.loads(text) for ex, text in self.db.execute(
            "SELECT exercise, result FROM results WHERE learner=?", (learner,))}
        order = exercises if exercises is not None else sorted(rows)
        return SubmissionResult(submission=learner,
                                exercises=[ExerciseResult.from_dict(rows[e]) for e in order if e in rows])

    def count(self) -> int:
        """How many (learner, exercise) results are stored."""
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
