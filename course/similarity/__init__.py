"""Pairs of submissions that are unusually alike, with the evidence side by side. It flags; people decide.

Two kinds of evidence, each explained where it is computed:

- :mod:`~course.similarity.code`: the same code, found as MOSS finds it (winnowed fingerprints of the token
  stream, identifiers and literals normalised, so renaming variables or changing comments hides nothing), after
  removing everything every learner shares: the stubs, and the base folders the instructor names (the
  textbook's code), so two submissions that both follow the book are not alike for that alone;
- :mod:`~course.similarity.behaviour`: the same *wrong* outputs and the same *rare* named mistakes on the
  same checks, from the graded results (a mistake half the class makes is no evidence).
"""
