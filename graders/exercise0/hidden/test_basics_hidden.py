"""Exercise 0 hidden checks: edge cases (zero rows, inputs left unchanged, more classes)."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, expect_equal, tr


@check("tentimes.new_list", 1, hidden=True, ja="tentimes: 元のリストを変えない")
def test_tentimes_leaves_input(learner):
    """tentimes returns a new list and leaves its argument unchanged"""
    basics = learner.module("basics")
    numbers = learner.new([1, -2, 0.5])
    got = basics.tentimes(numbers)
    expect_equal(got, [10, -20, 5.0], call="tentimes([1, -2, 0.5])")
    if numbers.get() != [1, -2, 0.5]:
        raise CheckFailure(tr("tentimes changed the list it was given", "tentimes が引数のリストを書き換えました"),
                           call="tentimes(numbers)",
                           got=tr(f"numbers is now {numbers.get()}", f"numbers が {numbers.get()} になりました"),
                           diagnosis="input-mutated")


@check("normalize_rows.zero_row", 1, hidden=True, ja="normalize_rows: 0 の行は 0 のまま",
       hint=tr("guard the division: rows whose norm is 0 stay 0 (no NaN)",
               "ノルムが 0 の行で割らないようにします (NaN を出さない)"))
def test_normalize_zero_row(learner, reference):
    """normalize_rows leaves an all-zero row at zero (no NaN)"""
    a = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    expect_close(learner.module("basics").normalize_rows(a), reference.module("basics").normalize_rows(a),
                 call="normalize_rows(a)", inputs={"a": a},
                 diagnose=lambda got: "zero-row-nan" if np.isnan(got).any() else None)


@check("one_hot.many", 1, hidden=True, ja="one_hot: 多クラス・多サンプル")
def test_one_hot_many(learner, reference):
    """one_hot on 7 labels over 10 classes"""
    labels = np.array([9, 0, 3, 3, 7, 1, 0])
    expect_equal(learner.module("basics").one_hot(labels, 10), reference.module("basics").one_hot(labels, 10),
                 call="one_hot(labels, 10)")


@check("one_hot.declared_size", 1, hidden=True, ja="one_hot: 列数は n_classes (ラベルに現れないクラスも)",
       hint=tr("the number of columns is an argument: the labels may not show every class",
               "列数は引数で決まります。すべてのクラスがラベルに現れるとは限りません"))
def test_one_hot_declared_size(learner, reference):
    """one_hot([0, 1, 1], 4) has 4 columns although no label is 2 or 3"""
    labels = np.array([0, 1, 1])
    got = learner.module("basics").one_hot(labels, 4)
    from_data = np.eye(labels.max() + 1, dtype=np.int64)[labels]    # the size read off the labels instead

    def diagnose(g):
        return "size-not-from-argument" if np.array_equal(np.asarray(g), from_data) else None

    expect_equal(got, reference.module("basics").one_hot(labels, 4), call="one_hot([0, 1, 1], 4)", diagnose=diagnose)


@check("sign.tiny", 1, hidden=True, ja="sign: ごく小さい値")
def test_sign_tiny(learner):
    """sign of tiny numbers is still 1 or -1"""
    basics = learner.module("basics")
    for x, want in ((1e-300, 1), (-1e-300, -1)):
        expect_equal(basics.sign(x), want, call=f"sign({x!r})")
