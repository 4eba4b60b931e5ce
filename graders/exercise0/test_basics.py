"""Exercise 0 public checks: the warm-up functions on the inputs from the instructions."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, expect_equal, tr
from course.checks.cases import cases, which_mistake

ROWS = np.array([[3.0, 4.0], [1.0, 0.0], [-2.0, 2.0]])
LABELS = np.array([0, 2, 1])


@check("sign.basic", 1, ja="sign: 正・負・0",
       hint=[tr("There are three cases; which one does x == 0 fall into?",
                "場合は 3 つです。x == 0 はどれに入りますか?"),
             tr("Compare x with 0: positive → 1, negative → −1, exactly zero → 0, each as an int.",
                "x を 0 と比べます: 正なら 1、負なら −1、ちょうど 0 なら 0 (どれも int)。"),
             tr("return exactly 1, -1 or 0, and 0 for x == 0",
                "1, -1, 0 のどれかを返し、x == 0 なら 0 を返します")])
def test_sign(learner):
    """sign gives 1, -1 and 0"""
    basics = learner.module("basics")
    for x, want in ((3, 1), (-2.5, -1), (0, 0), (0.0, 0)):
        expect_equal(basics.sign(x), want, call=f"sign({x!r})")


@check("tentimes.basic", 1, ja="tentimes: 各要素を 10 倍",
       hint=[tr("The result is a new list: the one you were given stays as it is.",
                "結果は新しいリストです。受け取ったリストはそのまま残します。"),
             tr("Build the new list from each element times 10 (a loop that appends, or a list comprehension).",
                "各要素を 10 倍した値から新しいリストを作ります (append するループか、リスト内包表記)。"),
             tr("the list comprehension [10 * value for value in numlist] is a new list: return it",
                "リスト内包表記 [10 * value for value in numlist] は新しいリストです。それを返します")])
def test_tentimes(learner):
    """tentimes multiplies every element by 10"""
    got = learner.module("basics").tentimes([1, 2, 3])
    expect_equal(got, [10, 20, 30], call="tentimes([1, 2, 3])")


@check("normalize_rows.unit", 1, ja="normalize_rows: 各行のノルムが 1",
       hint=[tr("Each row is divided by its own length, not by one number for the whole array.",
                "各行をその行自身の長さで割ります。配列全体で一つの数ではありません。"),
             tr("The length of a row is its Euclidean norm √(Σ a_ij²) over j; keep it as a column so that it "
                "broadcasts over the row.",
                "行の長さはユークリッドノルム √(Σ_j a_ij²) です。列の形のまま残すと行にブロードキャストできます。"),
             tr("divide by np.linalg.norm(a, axis=1, keepdims=True)",
                "np.linalg.norm(a, axis=1, keepdims=True) で割ります")])
@cases(unit=lambda ref: ref.module("basics").normalize_rows(ROWS.copy()))
def test_normalize_rows(learner, expected):
    """normalize_rows scales every row to unit length"""
    # What the two usual slips compute: one norm for the whole array, or the norm of each column.
    slips = {"norm-over-whole-array": ROWS / np.sqrt(np.sum(ROWS ** 2)),
             "wrong-axis": ROWS / np.sqrt(np.sum(ROWS ** 2, axis=0, keepdims=True))}
    expect_close(learner.module("basics").normalize_rows(ROWS), expected["unit"],
                 call="normalize_rows(a)", inputs={"a": ROWS}, diagnose=lambda got: which_mistake(got, slips))


@check("one_hot.basic", 1, ja="one_hot: 形状と値",
       hint=[tr("Start from a matrix of zeros with one row per label and one column per class.",
                "ラベルごとに 1 行、クラスごとに 1 列の、0 の行列から始めます。"),
             tr("Row i gets a single 1, in column labels[i]; fancy indexing sets all rows at once.",
                "i 行目の labels[i] 列だけを 1 にします。ファンシーインデックスで全行を一度に設定できます。"),
             tr("out = np.zeros((len(labels), n_classes), dtype=int); out[np.arange(len(labels)), labels] = 1",
                "out = np.zeros((len(labels), n_classes), dtype=int); out[np.arange(len(labels)), labels] = 1")])
@cases(three=lambda ref: ref.module("basics").one_hot(LABELS.copy(), 3))
def test_one_hot(learner, expected):
    """one_hot puts a single 1 in each row, at the label's column"""
    got = learner.module("basics").one_hot(LABELS, 3)
    expect_equal(got, expected["three"], call="one_hot([0, 2, 1], 3)")
    if np.asarray(got).dtype.kind not in "iu":
        raise CheckFailure(tr("one_hot must return an int array", "one_hot は int の配列を返します"),
                           call="one_hot([0, 2, 1], 3)", got=f"dtype {np.asarray(got).dtype}", diagnosis="wrong-type")
