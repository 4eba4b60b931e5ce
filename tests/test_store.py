"""The SQLite results store: what it keeps, when it gives it back, and what it refuses."""
import sqlite3

import pytest

from course.result import CheckResult, ExerciseResult
from course.store import STORE_VERSION, ResultStore, StoreError


def _result(score: float) -> ExerciseResult:
    return ExerciseResult(id="exercise0", checks=[CheckResult(id="sign.basic", status="passed" if score else "failed",
                                                              score=score, max_score=1.0, diagnosis=None)])


def test_a_result_is_given_back_only_for_the_same_content_and_graders(tmp_path):
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put("alice", _result(1.0), "content-a", "graders-a")
        assert store.lookup("alice", "exercise0", "content-a", "graders-a").score == 1.0
        assert store.lookup("alice", "exercise0", "content-b", "graders-a") is None
        assert store.lookup("alice", "exercise0", "content-a", "graders-b") is None
        assert store.lookup("bob", "exercise0", "content-a", "graders-a") is None


def test_regrading_replaces_the_row_instead_of_adding_one(tmp_path):
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put("alice", _result(0.0), "c1", "g")
        store.put("alice", _result(1.0), "c2", "g")
        assert store.count() == 1
        assert store.submission("alice").score == 1.0


def test_rows_survive_a_process_that_never_closes_the_store(tmp_path):
    store = ResultStore(tmp_path / "s.sqlite")
    store.put("alice", _result(1.0), "c", "g")
    # No close(): another connection (a resumed run) must already see the committed row.
    with ResultStore(tmp_path / "s.sqlite") as again:
        assert again.learners() == ["alice"]
        assert again.submission("alice", ["exercise0", "exercise1"]).exercises[0].checks[0].id == "sign.basic"


def test_a_file_that_is_not_a_store_is_refused_with_a_message(tmp_path):
    junk = tmp_path / "notes.sqlite"
    junk.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a results store"):
        ResultStore(junk)
    assert junk.read_text().startswith("these are my notes")


def test_a_store_from_another_version_is_refused(tmp_path):
    path = tmp_path / "old.sqlite"
    ResultStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value=? WHERE key='version'", (str(STORE_VERSION + 1),))
    with pytest.raises(StoreError, match="store version"):
        ResultStore(path)
