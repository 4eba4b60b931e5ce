"""nbgrader both ways: an nbgrader course whose test cells call the kit's graders (``course nbgrader init``),
and the kit's results written into nbgrader's gradebook (:mod:`course.export.gradebook`)."""
