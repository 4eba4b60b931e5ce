"""Exercise 2 public checks: the logic gates' truth tables and the trainable perceptron."""
import numpy as np

from course.checks import CheckFailure, check, expect_close, expect_equal, tr
from course.checks.cases import cases, which_mistake

PAIRS = ((0, 0), (1, 0), (0, 1), (1, 1))
TABLES = {"AND": (0, 0, 0, 1), "NAND": (1, 1, 1, 0), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}
X_AND = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])
HINT_GATE = tr("choose w1, w2, b so that w1·x1 + w2·x2 + b > 0 exactly for the inputs that give 1; return an int",
               "1 を返す入力でだけ w1·x1 + w2·x2 + b > 0 となる w1, w2, b を選び、int を返します")


def truth_table(gate):
    """The gate's outputs over (0,0), (1,0), (0,1), (1,1), checked one by one."""
    return [gate(x1, x2) for x1, x2 in PAIRS]


def expect_gate(learner, name, diagnose=None):
    """Fail unless the learner's gate ``name`` gives the truth table, naming the first wrong row."""
    gate = getattr(learner.module("perceptron"), name)
    for (x1, x2), want in zip(PAIRS, TABLES[name]):
        expect_equal(gate(x1, x2), want, call=f"{name}({x1}, {x2})", diagnose=diagnose)


@check("gates.and", 1, ja="AND の真理値表",
       hint=[tr("A perceptron outputs 1 when w1·x1 + w2·x2 + b is above 0: which inputs should cross that line?",
                "パーセプトロンは w1·x1 + w2·x2 + b が 0 を超えると 1 を出します。どの入力がその線を越えるべきですか?"),
             tr("AND: only (1, 1) gives 1, so the sum of both weights must beat −b while one weight alone must "
                "not (the book uses 0.5, 0.5, b = −0.7).",
                "AND は (1, 1) だけが 1 なので、重み 2 つの和は −b を超え、1 つだけでは超えないようにします (本では 0.5, 0.5, b = −0.7)。"),
             HINT_GATE])
def test_and(learner):
    """AND gives 0, 0, 0, 1"""
    expect_gate(learner, "AND")


@check("gates.nand", 1, ja="NAND の真理値表",
       hint=[tr("NAND is AND with every output flipped.",
                "NAND は AND の出力をすべて反転したものです。"),
             tr("Flip the signs of AND's weights and bias (the book uses −0.5, −0.5, b = 0.7); return an int.",
                "AND の重みとバイアスの符号を反転します (本では −0.5, −0.5, b = 0.7)。int を返します。"),
             HINT_GATE])
def test_nand(learner):
    """NAND gives 1, 1, 1, 0"""
    expect_gate(learner, "NAND")


@check("gates.or", 1, ja="OR の真理値表",
       hint=[tr("OR gives 1 as soon as one input is 1.",
                "OR は入力の一つでも 1 なら 1 です。"),
             tr("One weight alone must now beat −b (the book uses 0.5, 0.5, b = −0.2); return an int.",
                "重み 1 つだけで −b を超えるようにします (本では 0.5, 0.5, b = −0.2)。int を返します。"),
             HINT_GATE])
def test_or(learner):
    """OR gives 0, 1, 1, 1"""
    expect_gate(learner, "OR")


@check("gates.xor", 1, ja="XOR の真理値表 (他のゲートの組み合わせ)",
       hint=[tr("No single line separates XOR's 1s from its 0s: combine gates you already have.",
                "XOR の 1 と 0 を一本の直線では分けられません。作ったゲートを組み合わせます。"),
             tr("XOR is 1 when at least one input is 1 (OR) but not both (NAND): a two-layer perceptron.",
                "XOR は少なくとも一つが 1 (OR) で、かつ両方ではない (NAND) とき 1 です。2 層のパーセプトロンになります。"),
             tr("XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2))",
                "XOR(x1, x2) = AND(NAND(x1, x2), OR(x1, x2)) です")])
def test_xor(learner):
    """XOR gives 0, 1, 1, 0"""
    module = learner.module("perceptron")

    def diagnose(_):
        gates_right = all(truth_table(getattr(module, g)) == list(TABLES[g]) for g in ("AND", "NAND", "OR"))
        return "xor-composition" if gates_right else None

    expect_gate(learner, "XOR", diagnose)


@check("perceptron.init", 1, ja="Perceptron: w と b は 0 から始まる",
       hint=[tr("What should a perceptron that has learned nothing yet hold?",
                "まだ何も学習していないパーセプトロンは何を持つべきですか?"),
             tr("One weight per input, all zero, and a zero bias, as attributes w and b.",
                "入力ごとに一つの重み (すべて 0) と 0 のバイアスを、属性 w と b に持ちます。"),
             tr("self.w = np.zeros(n_inputs) and self.b = 0",
                "self.w = np.zeros(n_inputs), self.b = 0 とします")])
def test_perceptron_init(learner):
    """a new Perceptron(3) has w = zeros(3) and b = 0"""
    p = learner.module("perceptron").Perceptron(3)
    expect_close(p.w, np.zeros(3), call="Perceptron(3).w")
    expect_close(p.b, 0.0, call="Perceptron(3).b")


@check("perceptron.predict_ties", 1, ja="Perceptron.predict: X·w + b がちょうど 0 なら 0",
       hint=[tr("What should predict give when X·w + b is exactly 0?",
                "X·w + b がちょうど 0 のとき predict は何を返すべきですか?"),
             tr("The step is strict: 1 only where X·w + b > 0, so a zero score is 0, and a new perceptron "
                "predicts 0 everywhere.",
                "ステップ関数は厳密な不等号です: X·w + b > 0 のときだけ 1。スコア 0 は 0 なので、新しいパーセプトロンはどこでも 0 を予測します。"),
             tr("predict 1 only where X·w + b > 0 (strictly): a new perceptron predicts 0 everywhere",
                "X·w + b > 0 (等号なし) のときだけ 1 です。作ったばかりのパーセプトロンはすべて 0 を返します")])
def test_perceptron_predict_ties(learner):
    """predict gives 0 where X·w + b == 0 exactly (a fresh perceptron, then w = (0.5, −0.5), b = 0)"""
    p = learner.module("perceptron").Perceptron(2)

    def diagnose(got):
        return "perceptron-threshold-ge" if np.array_equal(got, (X_AND @ w + b >= 0).astype(int)) else None

    for w, b in ((np.zeros(2), 0.0), (np.array([0.5, -0.5]), 0.0)):
        p.w, p.b = w, b
        expected = (X_AND @ w + b > 0).astype(np.int64)
        got = p.predict(X_AND)
        expect_equal(got, expected, call=tr(f"predict(X) with w = {w.tolist()}, b = {b}",
                                            f"predict(X) (w = {w.tolist()}, b = {b})"), inputs={"X": X_AND},
                     diagnose=diagnose)
        if np.asarray(got).dtype.kind not in "iu":
            raise CheckFailure(tr("predict must return an int array", "predict は int の配列を返します"),
                               call="predict(X)", got=f"dtype {np.asarray(got).dtype}", diagnosis="wrong-type")


def fitted(ref, lr):
    """(w, b) of the reference Perceptron(2, lr) after fit(X_AND, Y_AND, epochs=10); a negative ``lr`` is
    Rosenblatt's rule with the update's sign reversed (w −= lr·error·x)."""
    p = ref.module("perceptron").Perceptron(2, lr=lr).fit(X_AND.copy(), Y_AND.copy(), epochs=10)
    return p.w, p.b


@check("perceptron.fit_and", 2, ja="Perceptron.fit: AND を学習 (lr=0.5, 10 エポック)",
       hint=[tr("Rosenblatt's rule changes w and b only after a mistake, one sample at a time, in order.",
                "Rosenblatt の規則は、サンプルを一つずつ順に見て、間違えたときだけ w と b を変えます。"),
             tr("For each sample: error = y_i − predict(x_i); w ← w + η·error·x_i; b ← b + η·error; fit returns "
                "self.",
                "各サンプルで error = y_i − predict(x_i); w ← w + η·error·x_i; b ← b + η·error。fit は self を返します。"),
             tr("for each epoch, for each sample in order: error = y_i − predict(x_i); w += lr·error·x_i; b += "
                "lr·error; return self",
                "エポックごとに各サンプルを順に: error = y_i − predict(x_i); w += lr·error·x_i; b += lr·error; 最後に self を返します")])
@cases(right=lambda ref: fitted(ref, 0.5), update_sign=lambda ref: fitted(ref, -0.5),
       threshold_ge=lambda ref: fitted(ref.with_mistake("perceptron-threshold-ge"), 0.5))
def test_perceptron_fit_and(learner, expected):
    """fit learns AND with lr=0.5 in 10 epochs; w, b as Rosenblatt's rule gives them; fit returns self"""
    p = learner.module("perceptron").Perceptron(2, lr=0.5)
    returned = p.fit(X_AND, Y_AND, epochs=10)
    if not hasattr(returned, "is_") or not returned.is_(p):
        raise CheckFailure(tr("fit must return self", "fit は self を返します"), call="fit(X, y, epochs=10)",
                           got=repr(returned))
    w, b = p.w, p.b
    want_w, want_b = expected["right"]

    def diagnose(_):
        return which_mistake((w, b), {"perceptron-update-sign": expected["update_sign"],
                                      "perceptron-threshold-ge": expected["threshold_ge"]})

    call = "Perceptron(2, lr=0.5).fit(X, y, epochs=10)"
    inputs = {"X": X_AND, "y": Y_AND}
    # Weights at the end of training follow a path: a ratio or zeros there are not a cause (structure=False).
    expect_close(w, want_w, call=call, inputs=inputs, what="w", diagnose=diagnose, structure=False)
    expect_close(b, want_b, call=call, inputs=inputs, what="b", diagnose=diagnose, structure=False)
    expect_equal(p.predict(X_AND), Y_AND, call="predict(X) after fit", inputs={"X": X_AND})
