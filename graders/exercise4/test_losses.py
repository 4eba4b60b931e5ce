"""Exercise 4 public checks: SSE and MSE, cross-entropy with one-hot and label targets, BCE."""
import numpy as np

from course.checks import CheckFailure, check, constant_ratio, expect_close, tr
from course.checks.cases import cases, matches
from course.checks.diagnose import Finding, replayed
from course.sandbox.remote import LearnerError

# The book's example: the network's output for one image and the one-hot target "2".
Y_BOOK = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
T_BOOK = np.eye(10)[2]
Y_BATCH = np.array([[0.7, 0.1, 0.1, 0.1], [0.2, 0.5, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]])
LABELS = np.array([0, 2, 3])
Y_MSE = np.array([[0.5, 1.0, -1.0, 2.0, 0.0], [1.5, 0.25, 0.0, -0.5, 3.0]])
T_MSE = np.array([[0.0, 1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 1.0]])
YP_BCE, YT_BCE = np.array([0.9, 0.2, 0.6, 0.4, 0.99]), np.array([1.0, 0.0, 1.0, 1.0, 0.0])
# The same loss from the other form of t (labels ↔ one-hot): a learner's own arithmetic, float64.
OTHER_FORM_RTOL = 1e-7
TARGET_FORMS = {True: tr("class labels", "正解ラベル"), False: tr("one-hot", "one-hot")}
HINT_CE = tr("reshape a single sample to (1, C); turn one-hot t into labels with t.argmax(axis=1); "
             "return −Σ log(y[np.arange(N), t] + 1e-7) / N",
             "1 サンプルは (1, C) に reshape し、one-hot の t は t.argmax(axis=1) でラベルにして "
             "−Σ log(y[np.arange(N), t] + 1e-7) / N を返します")


def squares_diagnosis(got, expected, numel, *, sse):
    """Name SSE without its ½ (ratio 2) or SSE and MSE swapped (ratios numel/2, numel, 2/numel, 1/numel)."""
    ratio = constant_ratio(got, expected)
    if ratio is None:
        return None
    if sse and np.isclose(ratio, 2):
        return "sse-no-half"
    swapped = (2 / numel, 1 / numel) if sse else (numel / 2, numel)
    return "mse-sse-confusion" if any(np.isclose(ratio, r) for r in swapped) else None


def reference_loss(name, *args, mistake=None):
    """A case: the reference's loss ``name`` on copies of ``args`` (with the planted ``mistake`` made in it)."""
    def compute(ref):
        source = ref.with_mistake(mistake) if mistake else ref
        with np.errstate(divide="ignore"):      # a mistake's log(0) is the value to recognise, not a warning
            return getattr(source.module("losses"), name)(*(np.copy(a) for a in args))
    return compute


def tiny_probe(y, t):
    """Inputs in the form of (y, t) (one sample or a batch; labels or one-hot) where every probability is
    above 0 and the true class's is 1e-6: there log(y) and log(y + δ) differ by 0.1, so a loss without δ is
    told from the right one, however it was written."""
    y_probe = np.array([[1e-6, 0.5, 0.5 - 1e-6], [0.2, 0.3, 0.5]])
    labels = np.array([0, 2])
    t_probe = labels if np.size(t) != np.size(y) else np.eye(3)[labels]
    return (y_probe[0], t_probe[0]) if np.ndim(y) == 1 else (y_probe, t_probe)


def cross_entropy_cases(y, t):
    """The cases of a cross-entropy check: the reference's value, and without delta (``ce-no-delta``), which
    shows on every input: inf where a true class has probability 0, a relative error ~1e-7/p elsewhere; and
    both on :func:`tiny_probe`'s inputs, to confirm a missing δ where the book's sum form gives NaN instead."""
    probe = tiny_probe(y, t)
    return cases(right=reference_loss("cross_entropy_error", y, t),
                 no_delta=reference_loss("cross_entropy_error", y, t, mistake="ce-no-delta"),
                 right_probe=reference_loss("cross_entropy_error", *probe),
                 no_delta_probe=reference_loss("cross_entropy_error", *probe, mistake="ce-no-delta"))


def sum_form_without_delta(got, ce, y, t, cases) -> bool:
    """True when the NaN loss ``got`` comes from the book's sum form −Σ t·log(y) without δ: 0·log(0) is NaN
    where a wrong class has probability 0 (y has one), and on :func:`tiny_probe`'s inputs, which have none,
    the learner's loss is the one without δ, not the right one."""
    try:
        nan = bool(np.isnan(np.asarray(got, dtype=np.float64)).any())
    except (TypeError, ValueError):
        return False
    if not (nan and np.any(np.asarray(y) == 0)):
        return False
    try:
        got = ce(*tiny_probe(y, t))
    except LearnerError:
        return False
    return matches(got, cases["no_delta_probe"]) and not matches(got, cases["right_probe"])


def expect_cross_entropy(learner, cases, y, t):
    """Compare the learner's cross_entropy_error(y, t) with the reference (``cases`` from
    :func:`cross_entropy_cases`), naming the mistake on failure.

    Whether t is one-hot or labels, the learner's function is also tried on the other form: when that one is
    right, the failure comes from handling only one form.
    """
    ce = learner.module("losses").cross_entropy_error
    expected = cases["right"]
    is_labels = np.size(t) != np.size(y)
    n_classes = np.shape(y)[-1]
    other = np.eye(n_classes)[np.asarray(t)] if is_labels else np.asarray(t).argmax(axis=-1)
    form_code = "ce-one-hot-only" if is_labels else "ce-labels-only"
    n = np.shape(y)[0] if np.ndim(y) == 2 else 1
    call, inputs = "cross_entropy_error(y, t)", {"y": y, "t": t}

    def other_form_works():
        try:
            return bool(np.isclose(ce(y, other), expected, rtol=OTHER_FORM_RTOL))
        except LearnerError:
            return False

    try:
        got = ce(y, t)
    except LearnerError as exc:
        if not other_form_works():
            raise
        given, works = TARGET_FORMS[is_labels], TARGET_FORMS[not is_labels]
        raise CheckFailure(tr(f"cross_entropy_error fails for {given['en']} t but works for {works['en']}",
                              f"t が {given['ja']} のときに失敗します ({works['ja']} なら正しく動きます)"),
                           call=call, inputs=inputs, expected=expected, error=str(exc), diagnosis=form_code) from None

    def diagnose(g):
        ratio = constant_ratio(g, expected)
        if n > 1 and ratio is not None and np.isclose(ratio, n):
            return "ce-not-batch-mean"
        found = replayed(g, [("ce-no-delta", cases["no_delta"]), ("ce-fancy-index", fancy_index_loss(y, t))])
        if found is None and sum_form_without_delta(g, ce, y, t, cases):
            found = Finding("ce-no-delta", tr(
                "NaN: 0·log(0) where a wrong class has probability 0, and on inputs without a 0 your loss is "
                "the one without δ", "NaN です: 確率 0 の不正解クラスで 0·log(0) になります。0 を含まない入力では、"
                "あなたの損失は δ を足さないときの値です"))
        return found or (form_code if other_form_works() else None)

    # An exact ratio here is over the batch (N) or the classes (C): y's size N·C is no cause of its own.
    expect_close(got, expected, call=call, inputs=inputs, diagnose=diagnose, sizes={"N": n, "C": n_classes})


def fancy_index_loss(y, t):
    """The loss as y[:, labels] computes it: every sample's row at every label (N × N terms), divided by N."""
    y2 = np.atleast_2d(np.asarray(y, dtype=np.float64))
    labels = np.asarray(t).argmax(axis=-1) if np.size(t) == np.size(y) else np.asarray(t)
    return -np.sum(np.log(y2[:, np.atleast_1d(labels)] + 1e-7)) / y2.shape[0]


@check("sse.book", 1, ja="sum_squared_error: 本の例 (0.0975)",
       hint=[tr("The sum of squared errors compares y with t element by element.",
                "2 乗和誤差は y と t を要素ごとに比べます。"),
             tr("E = ½ Σ_k (y_k − t_k)²: note the ½, and that it is a sum, not a mean.",
                "E = ½ Σ_k (y_k − t_k)²。½ があること、平均ではなく和であることに注意します。"),
             tr("0.5 * np.sum((y - t) ** 2)",
                "0.5 * np.sum((y - t) ** 2) です")])
@cases(book=reference_loss("sum_squared_error", Y_BOOK, T_BOOK))
def test_sse_book(learner, expected):
    """sum_squared_error of the book's example is 0.0975"""
    expect_close(learner.module("losses").sum_squared_error(Y_BOOK, T_BOOK), expected["book"],
                 call="sum_squared_error(y, t)",
                 inputs={"y": Y_BOOK, "t": T_BOOK},
                 diagnose=lambda g: squares_diagnosis(g, 0.0975, Y_BOOK.size, sse=True), sizes={"n": Y_BOOK.size})


@check("mse.batch", 1, ja="mean_squared_error: 全要素の平均 (2×5)",
       hint=[tr("This is a mean, not a sum, over every element of the batch.",
                "これはバッチの全要素についての平均です。和ではありません。"),
             tr("MSE = (1 / number of elements) Σ (y − t)², without the ½ of the sum of squared errors.",
                "MSE = (1 / 要素数) Σ (y − t)²。2 乗和誤差の ½ は付けません。"),
             tr("np.mean((y - t) ** 2): the mean over every element, no 0.5",
                "np.mean((y - t) ** 2) です (全要素の平均、0.5 は付けません)")])
@cases(batch=reference_loss("mean_squared_error", Y_MSE, T_MSE))
def test_mse_batch(learner, expected):
    """mean_squared_error averages over every element of a 2×5 batch"""
    want = expected["batch"]
    expect_close(learner.module("losses").mean_squared_error(Y_MSE, T_MSE), want, call="mean_squared_error(y, t)",
                 inputs={"y": Y_MSE, "t": T_MSE},
                 diagnose=lambda g: squares_diagnosis(g, want, Y_MSE.size, sse=False), sizes={"n": Y_MSE.size})


@check("ce.one_hot_single", 1, ja="cross_entropy_error: 1 サンプル、one-hot (本の例)",
       hint=[tr("A single sample must give the same loss as a batch of one.",
                "サンプル 1 つでも、大きさ 1 のバッチと同じ損失になるべきです。"),
             tr("E = −(1/N) Σ_n log y_{n, t_n}: only the probability of the true class counts; a 1-D y is a batch "
                "with N = 1.",
                "E = −(1/N) Σ_n log y_{n, t_n}。正解クラスの確率だけが効きます。1 次元の y は N = 1 のバッチです。"),
             HINT_CE])
@cross_entropy_cases(Y_BOOK, T_BOOK)
def test_ce_one_hot_single(learner, expected):
    """cross_entropy_error of the book's single sample with a one-hot target"""
    expect_cross_entropy(learner, expected, Y_BOOK, T_BOOK)


@check("ce.labels_batch", 1, ja="cross_entropy_error: バッチ、ラベル (N=3, C=4)",
       hint=[tr("t may hold class numbers instead of one-hot rows: which entry of each row of y do you need?",
                "t は one-hot の行ではなくクラス番号のこともあります。y の各行のどの要素が必要ですか?"),
             tr("E = −(1/N) Σ_n log y_{n, t_n}: pick y[n, t_n] for each sample n, and divide by the batch size N.",
                "E = −(1/N) Σ_n log y_{n, t_n}。各サンプル n について y[n, t_n] を取り、バッチサイズ N で割ります。"),
             HINT_CE])
@cross_entropy_cases(Y_BATCH, LABELS)
def test_ce_labels_batch(learner, expected):
    """cross_entropy_error of a batch of 3 with class labels, averaged over the batch"""
    expect_cross_entropy(learner, expected, Y_BATCH, LABELS)


@check("ce.one_hot_batch", 1, ja="cross_entropy_error: バッチ、one-hot (N=3, C=4)",
       hint=[tr("With one-hot targets, where is each sample's 1?",
                "one-hot の正解では、各サンプルの 1 はどこにありますか?"),
             tr("E = −(1/N) Σ_n Σ_k t_nk log y_nk: the batch mean, not the sum.",
                "E = −(1/N) Σ_n Σ_k t_nk log y_nk。和ではなくバッチの平均です。"),
             HINT_CE])
@cross_entropy_cases(Y_BATCH, np.eye(4)[LABELS])
def test_ce_one_hot_batch(learner, expected):
    """cross_entropy_error of a batch of 3 with one-hot targets, averaged over the batch"""
    expect_cross_entropy(learner, expected, Y_BATCH, np.eye(4)[LABELS])


@check("ce.zero_probability", 1, ja="cross_entropy_error: 正解の確率が 0 でも有限 (delta)",
       hint=[tr("What is log(0)?",
                "log(0) はいくつですか?"),
             tr("Add a tiny δ inside the log, log(y + δ) with δ = 1e-7, so a zero probability gives −log δ ≈ "
                "16.12.",
                "log の中に小さな δ を足します: log(y + δ)、δ = 1e-7。確率 0 なら −log δ ≈ 16.12 になります。"),
             tr("add delta = 1e-7 inside the log: np.log(y + 1e-7)",
                "log の中に delta = 1e-7 を足します: np.log(y + 1e-7)")])
@cross_entropy_cases(Y_BOOK, np.eye(10)[3])
def test_ce_zero_probability(learner, expected):
    """cross_entropy_error is −log(1e-7) ≈ 16.12, not inf, when the true class has probability 0"""
    expect_cross_entropy(learner, expected, Y_BOOK, np.eye(10)[3])


@check("bce.values", 1, ja="binary_cross_entropy: 確率と 0/1 の正解",
       hint=[tr("Binary cross entropy scores each prediction against a 0/1 target, both ways.",
                "2 値交差エントロピーは、各予測を 0/1 の正解と両方向で比べます。"),
             tr("E = −mean(t·log(y + δ) + (1 − t)·log(1 − y + δ)) with δ = 1e-7.",
                "E = −mean(t·log(y + δ) + (1 − t)·log(1 − y + δ))、δ = 1e-7。"),
             tr("-np.mean(yt * np.log(yp + 1e-7) + (1 - yt) * np.log(1 - yp + 1e-7))",
                "-np.mean(yt * np.log(yp + 1e-7) + (1 - yt) * np.log(1 - yp + 1e-7)) です")])
@cases(five=reference_loss("binary_cross_entropy", YP_BCE, YT_BCE))
def test_bce_values(learner, expected):
    """binary_cross_entropy of five predictions"""
    expect_close(learner.module("losses").binary_cross_entropy(YP_BCE, YT_BCE), expected["five"],
                 call="binary_cross_entropy(yp, yt)", inputs={"yp": YP_BCE, "yt": YT_BCE}, sizes={"N": YP_BCE.size})
