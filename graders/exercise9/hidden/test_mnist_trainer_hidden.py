"""Exercise 9 hidden checks: the accuracy target on held-out digits, evaluation mode, other batch sizes, and
device-agnostic code emulated on the data-less "meta" device."""
import torch

from course.checks import CheckFailure, check, expect_close, tr
from course.mistakes.pytorch import DEVICE_CODES, TRAINER_CODES, diagnose_error, recognise_errors
from exercise9.helpers import (ACCURACY_ATOL, accuracy_here, at_softmax_floor, expect_number, grading_rng, learner_loader,
                               learner_mlp, meta_outcome, relabelled_mnist, state_of)


@check("fit.accuracy_90", 3, hidden=True, ja="fit: 5 エポックで未知データの正解率 90% 以上", timeout=20,
       hint=tr("Adam(model.parameters(), lr=lr), F.cross_entropy on logits, every epoch over the whole loader",
               "Adam(model.parameters(), lr=lr)、ロジットに F.cross_entropy、毎エポック全バッチを使います"))
def test_fit_accuracy(learner, device):
    """fit reaches at least 90 % accuracy on the 1,000 held-out digits after 5 epochs on 4,000 (checked here)"""
    # Relabelled now, so weights trained beforehand on the bundled digits score at chance.
    train, test = relabelled_mnist(grading_rng())
    model = learner_mlp(learner)
    call = tr("fit(model, train_loader, test_loader, epochs=5, lr=1e-3, device=device)  # bundled MNIST, relabelled",
              "fit(model, train_loader, test_loader, epochs=5, lr=1e-3, device=device)  # 同梱の MNIST、ラベルを付け替え")
    with recognise_errors(call, *TRAINER_CODES):
        history = learner.module("mnist_trainer").fit(model, learner_loader(learner, *train, 100, True),
                                                      learner_loader(learner, *test, 500), epochs=5, lr=1e-3,
                                                      device=device)
    accuracy = accuracy_here(state_of(model), *test)
    if accuracy < 0.9:
        floor = isinstance(history, dict) and at_softmax_floor(history.get("loss", []))
        raise CheckFailure(tr("held-out accuracy below 90 % (measured here from the trained weights)",
                              "未知データの正解率が 90% 未満です (学習後の重みからここで測定)"), call=call,
                           expected=">= 0.90", got=round(accuracy, 4), diagnosis="softmax-before-cross-entropy"
                           if floor else None)


@check("evaluate.eval_mode", 1, hidden=True, ja="evaluate: model.eval() と torch.no_grad() で評価 (dropout を止め、"
       "計算グラフを作らない)", hint=tr("call model.eval() before the loop and run it inside with torch.no_grad():",
                               "ループの前に model.eval() を呼び、with torch.no_grad(): の中で回します"))
def test_evaluate_eval_mode(learner, mnist, device, trained_state):
    """evaluate switches off dropout (a model with nn.Dropout(0.5) scores its eval-mode accuracy) and builds no
    autograd graph (the model's forward runs under torch.no_grad())"""
    nn_l = learner.module("torch").nn
    model = nn_l.Sequential(nn_l.Flatten(), nn_l.Linear(784, 300), nn_l.ReLU(), nn_l.Dropout(0.5),
                            nn_l.Linear(300, 10))
    model.load_state_dict({"1.weight": trained_state["l1.weight"], "1.bias": trained_state["l1.bias"],
                           "4.weight": trained_state["l2.weight"], "4.bias": trained_state["l2.bias"]})
    model.train()
    model.to(device)
    images, labels = mnist.test[0][:500], mnist.test[1][:500]
    call = "evaluate(model, loader, device)  # model = Sequential(Flatten, Linear, ReLU, Dropout(0.5), Linear)"
    grad_mode = learner.call("record_grad_mode", model, ref=True)
    with recognise_errors(call, *DEVICE_CODES):
        got = learner.module("mnist_trainer").evaluate(model, learner_loader(learner, images, labels, 100), device)
    expect_number(got, call, "the accuracy", "accuracy-tensor-not-item")
    want = accuracy_here(trained_state, images, labels)
    expect_close(float(got), want, call=call, what="accuracy", rtol=0, atol=ACCURACY_ATOL,
                 diagnose=lambda _: "missing-eval-mode" if model.training else None)
    recording = grad_mode.get()
    if any(recording):
        raise CheckFailure(tr("the model's forward ran with autograd recording: evaluation builds a graph for "
                              "nothing (memory and time)", "モデルの forward が自動微分の記録ありで実行されました。"
                              "評価で無駄な計算グラフを作っています (メモリと時間)"), call=call,
                           expected="torch.is_grad_enabled() == False in every forward",
                           got=f"True in {sum(recording)} of {len(recording)} forward calls", diagnosis="missing-no-grad")


@check("evaluate.batch_sizes", 1, hidden=True, ja="evaluate: いろいろなバッチサイズ")
def test_evaluate_batch_sizes(learner, mnist, device, trained_state):
    """evaluate gives the same accuracy for batch sizes 1000, 64 and 7"""
    model = learner_mlp(learner)
    model.load_state_dict(trained_state)
    model.to(device)
    want = accuracy_here(trained_state, *mnist.test)
    for size in (1000, 64, 7):
        call = f"evaluate(model, loader, device)  # 1000 samples, batch_size={size}"
        with recognise_errors(call, *DEVICE_CODES):
            got = learner.module("mnist_trainer").evaluate(model, learner_loader(learner, *mnist.test, size), device)
        expect_number(got, call, "the accuracy", "accuracy-tensor-not-item")
        expect_close(float(got), want, call=call, what="accuracy", rtol=0, atol=ACCURACY_ATOL)


def _expect_device_agnostic(outcome, call):
    if outcome is None:
        return
    code = diagnose_error(outcome.info.get("message", ""), DEVICE_CODES)
    if code:
        raise CheckFailure(tr("with device='meta' (a device without data, standing in for a GPU here) your code "
                              "mixed tensors of two devices", "device='meta' (データを持たないデバイス。ここでは GPU の"
                              "代わり) で、2 つのデバイスのテンソルが混ざりました"), call=call,
                           error=f"{outcome.type}: {outcome.info['message'][:300]}", diagnosis=code)


@check("device.train_moves_batches", 1, hidden=True, ja="train_one_epoch: バッチを device へ移す",
       hint=tr("images, labels = images.to(device), labels.to(device)",
               "images, labels = images.to(device), labels.to(device)"))
def test_train_moves_batches(learner, mnist):
    """train_one_epoch moves every batch to the model's device (emulated with device='meta')"""
    model = learner_mlp(learner)
    model.to("meta")
    opt = learner.module("torch").optim.SGD(model.ref.parameters(), lr=0.1)
    loader = learner_loader(learner, mnist.train[0][:20], mnist.train[1][:20], 10)
    trainer = learner.module("mnist_trainer")
    _expect_device_agnostic(meta_outcome(lambda: trainer.train_one_epoch(model, loader, opt, "meta")),
                            "train_one_epoch(model.to('meta'), loader, optimizer, 'meta')")


@check("device.evaluate_moves_batches", 1, hidden=True, ja="evaluate: バッチを device へ移し、.numpy() を使わない",
       hint=tr("move batches with .to(device); count with .sum().item(), never .numpy() on a device tensor",
               ".to(device) で移し、.sum().item() で数えます (デバイス上のテンソルに .numpy() は使えません)"))
def test_evaluate_moves_batches(learner, mnist):
    """evaluate moves every batch to the model's device and reads results without .numpy() (device='meta')"""
    model = learner_mlp(learner)
    model.to("meta")
    loader = learner_loader(learner, mnist.test[0][:20], mnist.test[1][:20], 10)
    trainer = learner.module("mnist_trainer")
    _expect_device_agnostic(meta_outcome(lambda: trainer.evaluate(model, loader, "meta")),
                            "evaluate(model.to('meta'), loader, 'meta')")
