"""Mistakes of exercises 8–9: PyTorch autograd, the training loop and the MNIST trainer."""
from contextlib import contextmanager

from course.checks import CheckFailure, tr
from course.mistakes import Mistake
from course.sandbox.remote import LearnerError

E8, E9, BOTH = ("exercise8",), ("exercise9",), ("exercise8", "exercise9")
MISTAKES = [
    Mistake("result-keeps-graph", E8, "returned tensors still carry autograd history: return .detach()ed tensors",
            "返したテンソルに計算グラフ (grad_fn / requires_grad) が残っています。.detach() して返します"),
    Mistake("grad-accumulates", E8, "gradients were not zeroed after each update (W.grad.zero_()), so they add up "
            "over the epochs", "更新のあとで勾配を 0 に戻していない (W.grad.zero_()) ため、エポックごとに勾配が足し合わされています"),
    Mistake("update-outside-no-grad", E8, "the parameters were updated outside torch.no_grad(): autograd refuses "
            "in-place changes of a leaf that requires grad, or records the update in the graph",
            "torch.no_grad() の外でパラメータを更新しています (勾配が必要な葉テンソルの in-place 更新はエラーになります)"),
    Mistake("wrong-learning-rate", E8, "the update does not use the learning rate passed as lr",
            "更新に引数 lr の学習率を使っていません"),
    Mistake("missing-zero-grad", BOTH, "optimizer.zero_grad() is not called before backward, so gradients of "
            "earlier batches are added to this one", "backward の前に optimizer.zero_grad() を呼んでいないため、"
            "前のバッチの勾配が加算されています"),
    Mistake("loss-not-float", BOTH, "the loss is returned as a tensor: return loss.item() (a Python float)",
            "損失をテンソルのまま返しています。loss.item() で Python の float にして返します"),
    Mistake("softmax-before-cross-entropy", E9, "softmax was applied before F.cross_entropy, which applies "
            "log-softmax itself: the loss cannot go below 1.4612 for 10 classes and learning is slow",
            "F.cross_entropy の前に softmax をかけています (cross_entropy は内部で log-softmax を計算します)。"
            "損失が 1.4612 より下がらず、学習が遅くなります"),
    Mistake("labels-float", E9, "the labels were given to cross_entropy as floats; class labels must stay int64 "
            "(torch.long)", "cross_entropy に float のラベルを渡しています。クラスラベルは int64 (torch.long) のままにします"),
    Mistake("no-flatten", E9, "images (N, 1, 28, 28) were not flattened to (N, 784) before nn.Linear",
            "画像 (N, 1, 28, 28) を nn.Linear の前に (N, 784) へ平坦化していません"),
    Mistake("accuracy-tensor-not-item", E9, "the accuracy is a tensor, not a number: use .sum().item() when counting "
            "correct predictions", "正解率がテンソルのままです。正解数を数えるときに .sum().item() を使います"),
    Mistake("accuracy-batch-mean", E9, "the accuracy is the mean of per-batch accuracies, which is wrong when the "
            "last batch is shorter: count correct predictions over all samples",
            "バッチごとの正解率の平均を返しています。最後のバッチが短いと正しくありません。全サンプルの正解数で割ります"),
    Mistake("missing-train-mode", E9, "model.train() is not called at the start of training (dropout and batch norm "
            "stay in evaluation mode)", "学習の最初に model.train() を呼んでいません"),
    Mistake("missing-eval-mode", E9, "model.eval() is not called before evaluating (dropout stays active)",
            "評価の前に model.eval() を呼んでいません (dropout が効いたままです)"),
    Mistake("missing-no-grad", E9, "evaluation runs the model with autograd recording: wrap the loop in "
            "`with torch.no_grad():`", "評価で自動微分の記録が有効なままモデルを実行しています。ループを "
            "`with torch.no_grad():` で囲みます"),
    Mistake("not-on-device", E9, "a batch (images or labels) is not moved to the model's device with .to(device)",
            "バッチ (画像かラベル) を .to(device) でモデルのデバイスに移していません"),
    Mistake("numpy-on-device", E9, ".numpy() is called on a tensor that may live on the GPU: use .item() or "
            ".cpu() first", "GPU 上にあるかもしれないテンソルに .numpy() を呼んでいます。.item() か .cpu() を使います"),
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
