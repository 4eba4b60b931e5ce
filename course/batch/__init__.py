"""Grading a whole class: finding submissions, grading them in parallel, keeping results in the store.

Data path: folders → :mod:`~course.batch.discover` (learner id, exercises folder) → :mod:`~course.batch.hashing`
(what a stored result must match) → :mod:`~course.batch.pool` (worker processes, each calling
:func:`course.grading.run.grade_exercise`) → :class:`course.store.ResultStore` → one result model per learner.
"""
