"""Mistakes of exercises 0–4: NumPy warm-up, numerical differentiation, perceptron, activations, losses."""
from course.mistakes import Mistake

MISTAKES = [
    Mistake("norm-over-whole-array", ("exercise0",), "normalised by the norm of the whole array, not of each row",
            "配列全体のノルムで割っています (行ごとのノルムで割ります)"),
    Mistake("zero-row-nan", ("exercise0",), "a row of zeros was divided by its zero norm and became NaN",
            "ノルムが 0 の行を 0 で割って NaN になっています"),
    Mistake("forward-difference", ("exercise1",),
            "one-sided difference (f(x+h) − f(x))/h: off by about h·f''/2; use (f(x+h) − f(x−h))/(2h)",
            "片側差分 (f(x+h) − f(x))/h になっています (誤差 ≈ h·f''/2)。中心差分 (f(x+h) − f(x−h))/(2h) を使います"),
    Mistake("h-too-small", ("exercise1",),
            "h is so small that x + h == x in float64 (e.g. 1e-50), so every difference is 0; use h = 1e-4",
            "h が小さすぎて float64 では x + h == x となり、差分が 0 になっています (例: 1e-50)。h = 1e-4 を使います"),
    Mistake("x-not-restored", ("exercise1",),
            "numerical_gradient left x changed: put each element back to its saved value after f(x+h), f(x−h)",
            "numerical_gradient が x を元の値に戻していません。f(x+h), f(x−h) の後で保存した値を書き戻します"),
    Mistake("gradient-perturbs-copy", ("exercise1",),
            "numerical_gradient perturbs a copy of x, so an f that reads x itself (lambda w: net.loss(x, t)) "
            "never sees the change and the gradient is 0",
            "numerical_gradient が x のコピーを動かしているため、x を直接読む f (lambda w: net.loss(x, t)) "
            "には変化が見えず勾配が 0 になります"),
    Mistake("gd-ignores-lr", ("exercise1",), "gradient_descent ignores the lr it is given (uses a fixed 0.01)",
            "gradient_descent が引数の lr を使っていません (0.01 に固定されています)"),
]
MISTAKES += [
    Mistake("xor-composition", ("exercise2",),
            "AND, NAND and OR are right but XOR combines them wrongly: XOR = AND(NAND(x1, x2), OR(x1, x2))",
            "AND・NAND・OR は正しいのに XOR の組み合わせ方が違います: XOR = AND(NAND(x1, x2), OR(x1, x2))"),
    Mistake("perceptron-threshold-ge", ("exercise2",),
            "the perceptron fires where X·w + b >= 0; it must fire only where X·w + b > 0 (0 at exactly 0)",
            "X·w + b >= 0 で 1 を出力しています。X·w + b > 0 のときだけ 1 です (ちょうど 0 なら 0)"),
    Mistake("perceptron-update-sign", ("exercise2",),
            "the update has the wrong sign: use error = y_i − ŷ_i, then w += lr·error·x_i and b += lr·error",
            "更新の符号が逆です: error = y_i − ŷ_i として w += lr·error·x_i, b += lr·error とします"),
]
MISTAKES += [
    Mistake("step-zero-is-one", ("exercise3",), "step_function gives 1 at x = 0; use x > 0 (step(0) = 0)",
            "step_function が x = 0 で 1 を返しています。x > 0 を使います (step(0) = 0)"),
    Mistake("sigmoid-grad-of-output", ("exercise3",),
            "sigmoid_grad treats its argument as the sigmoid's output (x·(1 − x)); it gets x: use s = sigmoid(x)",
            "sigmoid_grad が引数を sigmoid の出力とみなしています (x·(1 − x))。引数は x なので s = sigmoid(x) を使います"),
    Mistake("relu-grad-inverted", ("exercise3",), "relu_grad is 1 where x < 0 and 0 where x > 0: the mask is reversed",
            "relu_grad が x < 0 で 1、x > 0 で 0 になっています (条件が逆です)"),
    Mistake("softmax-no-max-shift", ("exercise3",),
            "softmax overflows (NaN/inf) for large values: subtract each row's maximum before np.exp",
            "大きな値で softmax がオーバーフローします (NaN/inf)。np.exp の前に各行の最大値を引きます"),
    Mistake("softmax-sum-over-batch", ("exercise3",),
            "softmax divides by the sum over the whole batch: normalise each row (axis=-1, keepdims=True)",
            "softmax がバッチ全体の和で割っています。各行ごとに正規化します (axis=-1, keepdims=True)"),
]
