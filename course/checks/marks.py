"""What ``@check``, ``@cases`` and ``@gpu`` record on a grader function, and how it is read back.

The record is a plain attribute of the function, not a pytest mark: the learner's ``course check`` runs the
public graders without pytest (:mod:`course.grading.direct`), and importing pytest alone costs more than the
whole check may. Under pytest the same record is read from ``item.obj``.
"""
from __future__ import annotations

ATTRIBUTE = "__course_marks__"


def marker(name: str, **kwargs):
    """A decorator recording ``name`` with ``kwargs`` on the function (one record per name)."""
    def record(function):
        marks = dict(getattr(function, ATTRIBUTE, {}))
        if name in marks:
            raise TypeError(f"{function.__name__} is marked @{name} twice")
        marks[name] = kwargs
        setattr(function, ATTRIBUTE, marks)
        return function
    return record


def marks_of(function) -> dict[str, dict]:
    """``{mark name: its arguments}`` recorded on ``function`` (empty for an unmarked one)."""
    return getattr(function, ATTRIBUTE, {})
