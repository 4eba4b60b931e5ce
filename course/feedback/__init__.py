"""Feedback for each learner: one self-contained HTML page per learner, made from the result model alone."""
