"""Mistakes of exercises 8–9: PyTorch autograd, the training loop and the MNIST trainer."""
from contextlib import contextmanager

from course.checks import CheckFailure, tr
from course.mistakes import Mistake
from course.sandbox.remote import LearnerError

E8, E9, BOTH = ("exercise8",), ("exercise9",), ("exercise8", "exercise9")
MISTAKES = [
    Mistake("result-keeps-graph", E8, "returned tensors still carry autograd history: return .detach()ed tensors",
            "返したテンソルに計算グラフ (grad_fn / requires_grad) が残っています。.detach() して返します",
            hint=('the values returned are results, not part of a graph: detach them',
                  '返す値は結果であり計算グラフの一部ではありません。グラフから切り離します')),
    Mistake("grad-accumulates", E8, "gradients were not zeroed after each update (W.grad.zero_()), so they add up "
            "over the epochs", "更新のあとで勾配を 0 に戻していない (W.grad.zero_()) ため、エポックごとに勾配が足し合わされています",
            hint=('backward adds to .grad; after each update the gradients must be cleared',
                  'backward は .grad に足し込みます。更新のたびに勾配を 0 に戻します')),
    Mistake("update-outside-no-grad", E8, "the parameters were updated outside torch.no_grad(): autograd refuses "
            "in-place changes of a leaf that requires grad, or records the update in the graph",
            "torch.no_grad() の外でパラメータを更新しています (勾配が必要な葉テンソルの in-place 更新はエラーになります)",
            hint=('the update itself must not be recorded by autograd',
                  'パラメータの更新そのものは autograd に記録させません')),
    Mistake("wrong-learning-rate", E8, "the update does not use the learning rate passed as lr",
            "更新に引数 lr の学習率を使っていません",
            hint=('the step size is the lr argument',
                  'ステップの大きさは引数 lr です')),
    Mistake("missing-zero-grad", BOTH, "optimizer.zero_grad() is not called before backward, so gradients of "
            "earlier batches are added to this one", "backward の前に optimizer.zero_grad() を呼んでいないため、"
            "前のバッチの勾配が加算されています",
            hint=('backward adds to .grad: clear the gradients of the previous batch before each backward',
                  'backward は .grad に足し込みます。各 backward の前に前のバッチの勾配を消します')),
    Mistake("loss-not-float", BOTH, "the loss is returned as a tensor: return loss.item() (a Python float)",
            "損失をテンソルのまま返しています。loss.item() で Python の float にして返します",
            hint=('return a Python number, not a tensor',
                  'テンソルではなく Python の数値を返します')),
    Mistake("softmax-before-cross-entropy", E9, "softmax was applied before F.cross_entropy, which applies "
            "log-softmax itself: the loss cannot go below 1.4612 for 10 classes and learning is slow",
            "F.cross_entropy の前に softmax をかけています (cross_entropy は内部で log-softmax を計算します)。"
            "損失が 1.4612 より下がらず、学習が遅くなります",
            hint=('cross_entropy takes raw scores (logits) and applies log-softmax itself',
                  'cross_entropy は生のスコア (ロジット) を受け取り、log-softmax を自分で計算します')),
    Mistake("labels-float", E9, "the labels were given to cross_entropy as floats; class labels must stay int64 "
            "(torch.long)", "cross_entropy に float のラベルを渡しています。クラスラベルは int64 (torch.long) のままにします",
            hint=('class labels are integers (int64) for cross_entropy',
                  'cross_entropy のクラスラベルは整数 (int64) です')),
    Mistake("no-flatten", E9, "images (N, 1, 28, 28) were not flattened to (N, 784) before nn.Linear",
            "画像 (N, 1, 28, 28) を nn.Linear の前に (N, 784) へ平坦化していません",
            hint=('a Linear layer takes one row of 784 numbers per image: reshape the images first',
                  'Linear 層は画像 1 枚につき 784 個の数の行を受け取ります。先に形を変えます')),
    Mistake("accuracy-tensor-not-item", E9, "the accuracy is a tensor, not a number: use .sum().item() when counting "
            "correct predictions", "正解率がテンソルのままです。正解数を数えるときに .sum().item() を使います",
            hint=('the accuracy is a Python number: turn counts into numbers as you add them',
                  '正解率は Python の数値です。数えるたびに数値に変換します')),
    Mistake("accuracy-batch-mean", E9, "the accuracy is the mean of per-batch accuracies, which is wrong when the "
            "last batch is shorter: count correct predictions over all samples",
            "バッチごとの正解率の平均を返しています。最後のバッチが短いと正しくありません。全サンプルの正解数で割ります",
            hint=('the accuracy is correct predictions over all samples; batches may differ in size',
                  '正解率は全サンプルに対する正解数の割合です。バッチの大きさは同じとは限りません')),
    Mistake("missing-train-mode", E9, "model.train() is not called at the start of training (dropout and batch norm "
            "stay in evaluation mode)", "学習の最初に model.train() を呼んでいません",
            hint=('dropout and batch norm behave differently while training: switch the model to training mode',
                  'dropout や batch norm は学習中に振る舞いが変わります。モデルを学習モードにします')),
    Mistake("missing-eval-mode", E9, "model.eval() is not called before evaluating (dropout stays active)",
            "評価の前に model.eval() を呼んでいません (dropout が効いたままです)",
            hint=('switch the model to evaluation mode before measuring it',
                  '評価の前にモデルを評価モードに切り替えます')),
    Mistake("missing-no-grad", E9, "evaluation runs the model with autograd recording: wrap the loop in "
            "`with torch.no_grad():`", "評価で自動微分の記録が有効なままモデルを実行しています。ループを "
            "`with torch.no_grad():` で囲みます",
            hint=('evaluation needs no gradients: turn autograd off while measuring',
                  '評価に勾配は要りません。測る間は autograd を止めます')),
    Mistake("not-on-device", E9, "a batch (images or labels) is not moved to the model's device with .to(device)",
            "バッチ (画像かラベル) を .to(device) でモデルのデバイスに移していません",
            hint=('the model and every batch must be on the same device',
                  'モデルとすべてのバッチを同じデバイスに置きます')),
    Mistake("numpy-on-device", E9, ".numpy() is called on a tensor that may live on the GPU: use .item() or "
            ".cpu() first", "GPU 上にあるかもしれないテンソルに .numpy() を呼んでいます。.item() か .cpu() を使います",
            hint=('NumPy sees only CPU memory: count on the device and convert the count to a Python number',
                  'NumPy が扱えるのは CPU のメモリだけです。デバイス上で数え、その数を Python の数値にします')),
    Mistake("loss-summed", E8, "the loss is the sum of squared errors instead of their mean, so every step is N "
            "times too large", "損失が 2 乗誤差の平均ではなく和になっているため、毎ステップが N 倍の大きさになります",
            hint=("the mean squared error divides the sum by the number of samples",
                  "平均 2 乗誤差は和をサンプル数で割ります")),
]

# Substrings of torch's own error messages (torch 2.x) that name a mistake without doubt; a tuple of
# substrings must all be there.
ERROR_SIGNS = [
    ("expected target dtype to be Long", "labels-float"),
    ("expected scalar type Long but found Float", "labels-float"),
    (("nll_loss_forward_reduce_cuda_kernel", "not implemented for 'Float'"), "labels-float"),   # on CUDA
    ("mat1 and mat2 shapes cannot be multiplied", "no-flatten"),
    ("is not on the expected device", "not-on-device"),
    ("Expected all tensors to be on the same device", "not-on-device"),
    ("device type tensor to numpy", "numpy-on-device"),
    ("leaf Variable that requires grad is being used in an in-place operation", "update-outside-no-grad"),
]


# What a torch error raised inside a learner's trainer can name: a device mistake (it shows with --device cuda
# and on the "meta" device), or one of training's data mistakes.
DEVICE_CODES = ("not-on-device", "numpy-on-device")
TRAINER_CODES = ("labels-float", "no-flatten", *DEVICE_CODES)


def diagnose_error(message: str, codes) -> str | None:
    """The mistake (one of ``codes``) that a torch error message from learner code reveals, if any."""
    for sign, code in ERROR_SIGNS:
        if code in codes and all(part in message for part in ((sign,) if isinstance(sign, str) else sign)):
            return code
    return None


@contextmanager
def recognise_errors(call: str, *codes: str):
    """Turn a learner error whose torch message names one of ``codes`` into a failure with that diagnosis.

    Other errors pass through unchanged, so the grading plugin reports them as usual.
    """
    try:
        yield
    except LearnerError as exc:
        code = diagnose_error(exc.info.get("message", ""), codes)
        if code is None:
            raise
        where = "".join(f"\n  {f}:{n} in {fn}: {src}" for f, n, fn, src in exc.info.get("frames", [])[-2:])
        raise CheckFailure(tr(f"your code raised {exc.type}", f"あなたのコードで {exc.type} が発生しました"),
                           call=call, error=f"{exc.type}: {exc.info['message'][:400]}{where}",
                           diagnosis=code) from None
