"""Mistakes of exercises 0–4: NumPy warm-up, numerical differentiation, perceptron, activations, losses."""
from course.mistakes import Mistake

MISTAKES = [
    Mistake("norm-over-whole-array", ("exercise0",), "normalised by the norm of the whole array, not of each row",
            "配列全体のノルムで割っています (行ごとのノルムで割ります)"),
    Mistake("zero-row-nan", ("exercise0",), "a row of zeros was divided by its zero norm and became NaN",
            "ノルムが 0 の行を 0 で割って NaN になっています"),
]
