"""A deep-learning exercise and auto-grading kit: learners build the machinery by hand, graders explain."""

__version__ = "0.1.0"
