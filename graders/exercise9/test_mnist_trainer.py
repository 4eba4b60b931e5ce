"""Exercise 9 public checks: the MLP, one training epoch, evaluation, a short fit, saving and loading."""
import torch
import torch.nn.functional as F

import numpy as np

from course.checks import CheckFailure, check, expect_close, tr
from course.checks.cases import cases, which_mistake
from course.mistakes.pytorch import DEVICE_CODES, TRAINER_CODES, recognise_errors
from exercise9.helpers import (ACCURACY_ATOL, HISTORY_ATOL, LEARNED, LOGITS_ATOL, SMALL, TRAINED_ATOL, TRAINED_RTOL,
                               accuracy_here, at_softmax_floor, expect_number, grading_rng, initial_state, learner_loader, learner_mlp, mlp_here, mnist, reference_epoch,
                               reference_trained_state, relabelling, state_of, states_close)

SHAPES = {"l1.weight": (300, 784), "l1.bias": (300,), "l2.weight": (10, 300), "l2.bias": (10,)}
# train_one_epoch's problem: the small MLP from a fixed state, with stale gradients, over 3 batches of 50.
EPOCH_START = initial_state(90, **SMALL)
EPOCH_STALE = 0.01
EPOCH_BATCHES = [(mnist()[0][0][i:i + 50], mnist()[0][1][i:i + 50]) for i in range(0, 150, 50)]


def epoch_case(mistake=None):
    """The reference's train_one_epoch on the problem above (with a planted ``mistake``)."""
    return lambda ref: reference_epoch(ref, EPOCH_START, EPOCH_BATCHES, 0.1, stale=EPOCH_STALE, mistake=mistake)


@check("mlp.shapes", 1, ja="MLP: 層の名前・形・パラメータ数 (238,510)",
       hint=[tr("The layers are attributes named l1 and l2, and the sizes come from the arguments.",
                "レイヤは l1 と l2 という属性で、大きさは引数から決まります。"),
             tr("l1 maps in_dim → hidden and l2 maps hidden → out_dim: 784·300 + 300 + 300·10 + 10 = 238,510 "
                "parameters.",
                "l1 は in_dim → hidden、l2 は hidden → out_dim です: 784·300 + 300 + 300·10 + 10 = 238,510 個のパラメータ。"),
             tr("self.l1 = nn.Linear(in_dim, hidden); self.l2 = nn.Linear(hidden, out_dim)",
                "self.l1 = nn.Linear(in_dim, hidden); self.l2 = nn.Linear(hidden, out_dim)")])
def test_mlp_shapes(learner):
    """MLP() has layers l1 (784→300) and l2 (300→10): 238,510 parameters; the sizes are arguments"""
    state = state_of(learner_mlp(learner))
    got = {k: tuple(v.shape) for k, v in state.items()}
    if got != SHAPES:
        raise CheckFailure(tr("the state_dict's names or shapes differ", "state_dict の名前か形が違います"),
                           call="MLP().state_dict()", expected=str(SHAPES), got=str(got))
    count = sum(v.numel() for v in state.values())
    if count != 238_510:
        raise CheckFailure(tr("wrong number of parameters", "パラメータ数が違います"), call="MLP()",
                           expected=238_510, got=count)
    small = {k: tuple(v.shape) for k, v in state_of(learner_mlp(learner, in_dim=20, hidden=7, out_dim=3)).items()}
    want = {"l1.weight": (7, 20), "l1.bias": (7,), "l2.weight": (3, 7), "l2.bias": (3,)}
    if small != want:
        # Every size that differs is the default's (784, 300 or 10): that size ignores its argument.
        fixed = small.keys() == want.keys() and all(
            len(small[k]) == len(want[k]) and all(g in (w, d) for g, w, d in zip(small[k], want[k], SHAPES[k]))
            for k in want)
        raise CheckFailure(tr("in_dim, hidden and out_dim must set the layer sizes",
                              "in_dim, hidden, out_dim で層の大きさを決めます"),
                           call="MLP(in_dim=20, hidden=7, out_dim=3)", expected=str(want), got=str(small),
                           diagnosis="size-not-from-argument" if fixed else None)


@check("mlp.forward", 1, ja="MLP.forward: (N,1,28,28) と (N,784) からロジット",
       hint=[tr("Images arrive as (N, 1, 28, 28), but a Linear layer wants (N, 784).",
                "画像は (N, 1, 28, 28) で来ますが、Linear レイヤは (N, 784) を求めます。"),
             tr("Flatten every dimension after the batch one, then l1 → ReLU → l2; return the raw scores "
                "(cross_entropy applies softmax itself).",
                "バッチ以外の次元を平らにしてから l1 → ReLU → l2。生のスコアを返します (cross_entropy が softmax を自分で適用します)。"),
             tr("flatten with x.flatten(1) (or x.view(len(x), -1)) and return the logits, without softmax",
                "x.flatten(1) で平坦化し、softmax をかけずにロジットを返します")])
def test_mlp_forward(learner):
    """forward accepts images (N, 1, 28, 28) and flat rows (N, 784) and returns the logits"""
    model = learner_mlp(learner)
    here = mlp_here(state_of(model))
    images = mnist()[1][0][:5]
    for x, call in ((images, "model(x)  # x: (5, 1, 28, 28)"), (images.reshape(5, 784), "model(x)  # x: (5, 784)")):
        with recognise_errors(call, "no-flatten"):
            got = model(x)
        with torch.no_grad():
            want = here(x)
        # The logits put through softmax, as a forward that applies it returns them.
        probabilities = isinstance(got, torch.Tensor) and got.shape == want.shape and bool(
            torch.allclose(got.detach(), torch.softmax(want, dim=1), rtol=TRAINED_RTOL, atol=TRAINED_ATOL))
        expect_close(got.detach() if isinstance(got, torch.Tensor) else got, want, call=call, rtol=TRAINED_RTOL,
                     atol=LOGITS_ATOL,
                     diagnose=lambda _: "softmax-before-cross-entropy" if probabilities else None)


@check("train_one_epoch.sgd", 2, ja="train_one_epoch: SGD で 1 エポック (損失の平均・更新・train モード)",
       hint=[tr("Training mode, then for each batch the five steps of the training loop.",
                "訓練モードにしてから、各バッチで学習ループの 5 つの手順。"),
             tr("model.train(); per batch: move to the device, clear the gradients, loss = cross entropy of the "
                "logits, backward, step; return the mean batch loss as a float.",
                "model.train()。各バッチで: デバイスへ移し、勾配を消し、ロジットの交差エントロピーを損失にし、backward、step。バッチ損失の平均を float で返します。"),
             tr("model.train(); per batch: .to(device), optimizer.zero_grad(), loss = F.cross_entropy(model(x), "
                "t), backward, step; return the mean of loss.item()",
                "model.train(); バッチごとに .to(device), optimizer.zero_grad(), loss = F.cross_entropy(model(x), t), "
                "backward, step; loss.item() の平均を返す")])
@cases(right=epoch_case(), softmax=epoch_case("softmax-before-cross-entropy"),
       no_zero_grad=epoch_case("missing-zero-grad"))
def test_train_one_epoch(learner, expected, device):
    """train_one_epoch returns the mean batch loss as a float and updates the model like the reference"""
    model = learner_mlp(learner, **SMALL)
    model.load_state_dict(EPOCH_START)
    model.eval()
    for name, value in EPOCH_START.items():
        model.ref.get_parameter.ref(name).grad = torch.full_like(value, EPOCH_STALE)
    model.to(device)     # the contract's callers move the model; train_one_epoch moves only the batches
    opt = learner.module("torch").optim.SGD(model.ref.parameters(), lr=0.1)
    call = tr("train_one_epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.1), device)  "
              "# MLP(hidden=32), 3 batches of 50",
              "train_one_epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.1), device)  "
              "# MLP(hidden=32)、50 枚のバッチ 3 個")
    images, labels = torch.cat([b[0] for b in EPOCH_BATCHES]), torch.cat([b[1] for b in EPOCH_BATCHES])
    with recognise_errors(call, *TRAINER_CODES):
        loss = learner.module("mnist_trainer").train_one_epoch(model, learner_loader(learner, images, labels, 50),
                                                               opt, device)
    expect_number(loss, call, "the loss", "loss-not-float")
    want, no_zero = expected["right"], expected["no_zero_grad"]
    variants = {"softmax-before-cross-entropy": expected["softmax"]["loss"], "missing-zero-grad": no_zero["loss"]}
    expect_close(float(loss), want["loss"], call=call, what="mean loss", rtol=TRAINED_RTOL,
                 diagnose=lambda g: which_mistake(float(g), variants, rtol=TRAINED_RTOL))
    got_state = state_of(model)
    if not states_close(got_state, want["state"]):
        raise CheckFailure(tr("the parameters after the epoch differ from the reference",
                              "エポック後のパラメータが参照解と違います"), call=call,
                           expected=want["state"]["l2.bias"], got=got_state["l2.bias"],
                           diagnosis="missing-zero-grad" if states_close(got_state, no_zero["state"]) else None)
    if model.training is not True:
        raise CheckFailure(tr("the model is left in eval mode: call model.train() at the start",
                              "モデルが eval モードのままです。最初に model.train() を呼びます"), call=call,
                           expected="model.training == True", got="model.training == False",
                           diagnosis="missing-train-mode")


@check("evaluate.short_last_batch", 1, ja="evaluate: 最後のバッチが短いときの正解率、モデルは変えない",
       hint=[tr("Is the last batch as large as the others?",
                "最後のバッチは他と同じ大きさですか?"),
             tr("Accuracy = correct predictions over all samples / number of samples, not the mean of per-batch "
                "accuracies; use eval mode and no_grad.",
                "正解率 = 全サンプルの正解数 / サンプル数。バッチごとの正解率の平均ではありません。eval モードと no_grad を使います。"),
             tr("count correct predictions with (pred == t).sum().item() over all batches, divide by the number "
                "of samples",
                "全バッチで (pred == t).sum().item() を数え、サンプル数で割ります")])
@cases(trained=lambda ref: reference_trained_state(ref, **SMALL))
def test_evaluate_short_last_batch(learner, expected, device):
    """evaluate: the accuracy of 250 samples in batches of 100, 100, 50, in eval mode, without autograd"""
    trained = expected["trained"]
    images_all, labels_all = mnist()[1]
    model = learner_mlp(learner, **SMALL)
    model.load_state_dict(trained)
    model.train()        # evaluate must switch to eval mode itself
    model.to(device)
    with torch.no_grad():
        hits = mlp_here(trained)(images_all).argmax(1) == labels_all
    # 250 digits whose short last batch scores unlike the others, so a mean of batch accuracies shows.
    start = next(s for s in range(0, 750, 10) if abs(hits[s + 200:s + 250].double().mean().item()
                                                      - hits[s:s + 200].double().mean().item()) > 0.03)
    images, labels, hits = images_all[start:start + 250], labels_all[start:start + 250], hits[start:start + 250]
    call = tr(f"evaluate(model, loader, device)  # MLP(hidden=32), 250 test digits from #{start}, batch_size=100",
              f"evaluate(model, loader, device)  # MLP(hidden=32)、#{start} からのテスト画像 250 枚、batch_size=100")
    grad_mode = learner.call("record_grad_mode", model, ref=True)
    with recognise_errors(call, *DEVICE_CODES):
        got = learner.module("mnist_trainer").evaluate(model, learner_loader(learner, images, labels, 100), device)
    expect_number(got, call, "the accuracy", "accuracy-tensor-not-item")
    want = hits.double().mean().item()
    batch_mean = sum(hits[i:i + 100].double().mean().item() for i in range(0, 250, 100)) / 3
    expect_close(float(got), want, call=call, what="accuracy", rtol=0, atol=ACCURACY_ATOL,
                 diagnose=lambda g: "accuracy-batch-mean" if abs(float(g) - batch_mean) < ACCURACY_ATOL else None)
    if not states_close(state_of(model), trained, rtol=0, atol=0):
        raise CheckFailure(tr("evaluate changed the model's parameters", "evaluate がモデルのパラメータを変えました"),
                           call=call, diagnosis="input-mutated")
    if model.training:
        raise CheckFailure(tr("evaluate ran the model in training mode: call model.eval() first (dropout and "
                              "batch norm behave differently while training)",
                              "evaluate が訓練モードのままモデルを実行しました。最初に model.eval() を呼びます "
                              "(dropout や batch norm は訓練中と動作が違います)"), call=call,
                           expected="model.training == False", got="model.training == True",
                           diagnosis="missing-eval-mode")
    recording = grad_mode.get()
    if any(recording):
        raise CheckFailure(tr("the model's forward ran with autograd recording: wrap the loop in torch.no_grad()",
                              "モデルの forward が自動微分の記録ありで実行されました。ループを torch.no_grad() で"
                              "囲みます"), call=call, expected="torch.is_grad_enabled() == False in every forward",
                           got=f"True in {sum(recording)} of {len(recording)} forward calls",
                           diagnosis="missing-no-grad")


@check("fit.history", 1, ja="fit: 2 エポックの履歴 (loss と accuracy)", timeout=30,
       hint=[tr("fit returns what happened in each epoch, as plain numbers.",
                "fit は各エポックに起きたことを、ただの数値で返します。"),
             tr("Train with Adam for the given epochs; after each, append the epoch's mean loss and the accuracy "
                "as Python floats.",
                "与えられたエポック数だけ Adam で学習し、各エポックの後に平均損失と正解率を Python の float で追加します。"),
             tr("return {'loss': [...], 'accuracy': [...]} with one Python float per epoch",
                "{'loss': [...], 'accuracy': [...]} をエポックごとに 1 つの float で返します")])
def test_fit_history(learner, device):
    """fit trains 2 epochs on digits relabelled now; per-epoch loss and accuracy, far above chance"""
    (x, t), (xt, tt) = mnist()
    # Drawn now, so no weights prepared beforehand fit them: each class gets another class's label, and
    # 500 of the 1,000 held-out digits are chosen afresh.
    rng = grading_rng()
    relabel = relabelling(rng)
    chosen = torch.as_tensor(np.sort(rng.choice(len(tt), 500, replace=False)))
    t, xt, tt = relabel[t[:1000]], xt[chosen], relabel[tt[chosen]]
    model = learner_mlp(learner)
    call = "fit(model, train_loader, test_loader, epochs=2, device=device)  # 1000 train, 500 test digits, relabelled"
    with recognise_errors(call, *TRAINER_CODES):
        history = learner.module("mnist_trainer").fit(model, learner_loader(learner, x[:1000], t, 100, True),
                                                      learner_loader(learner, xt, tt, 100), epochs=2, device=device)
    if not (isinstance(history, dict) and all(isinstance(history.get(k), list) and len(history[k]) == 2
                                              for k in ("loss", "accuracy"))):
        raise CheckFailure(tr("fit must return {'loss': [2 values], 'accuracy': [2 values]}",
                              "fit は {'loss': [2 個], 'accuracy': [2 個]} を返します"), call=call,
                           got=repr(history)[:300])
    for value in history["loss"]:
        expect_number(value, call, "history['loss']", "loss-not-float")
    for value in history["accuracy"]:
        expect_number(value, call, "history['accuracy']", "accuracy-tensor-not-item")
    if at_softmax_floor(history["loss"]):
        raise CheckFailure(tr("the loss stays above 1.4612, the floor of cross_entropy on softmax outputs",
                              "損失が softmax 出力の cross_entropy の下限 1.4612 より下がりません"), call=call,
                           got=history["loss"], diagnosis="softmax-before-cross-entropy")
    if not history["loss"][1] < history["loss"][0]:
        raise CheckFailure(tr("the loss did not go down", "損失が下がっていません"), call=call, got=history["loss"])
    here = accuracy_here(state_of(model), xt, tt)
    expect_close(history["accuracy"][-1], here, call=call, what=tr("history['accuracy'][-1] vs the model's accuracy",
                                                                   "history['accuracy'][-1] とモデルの正解率"),
                 rtol=0, atol=HISTORY_ATOL)
    if here < LEARNED:
        raise CheckFailure(tr(f"the trained model is not accurate on the labels fit was given (chance is 0.1): "
                              f"fit must train model on train_loader", f"fit に渡したラベルに対する正解率が低すぎます "
                              f"(偶然なら 0.1)。train_loader で model を学習させてください"), call=call,
                           expected=f">= {LEARNED}", got=round(here, 4))


@check("save_load.round_trip", 1, ja="save_model / load_model: 保存して読み込むと同じ出力",
       hint=[tr("Save the parameters, not the Python object.",
                "Python のオブジェクトではなく、パラメータを保存します。"),
             tr("Save the state dict; to load, build a new MLP with the same sizes (kwargs) and load the state "
                "dict into it.",
                "state dict を保存します。読み込むときは同じ大きさ (kwargs) で新しい MLP を作り、その state dict を読み込みます。"),
             tr("torch.save(model.state_dict(), path); model = MLP(**kwargs); "
                "model.load_state_dict(torch.load(path))",
                "torch.save(model.state_dict(), path); model = MLP(**kwargs); "
                "model.load_state_dict(torch.load(path))")])
def test_save_load(learner):
    """load_model(path, **kwargs) rebuilds a saved MLP that gives identical outputs"""
    trainer = learner.module("mnist_trainer")
    x = mnist()[1][0][:4]
    for kwargs in ({}, {"hidden": 50}):
        model = learner_mlp(learner, seed=5, **kwargs)
        call = f"save_model(model, 'model.pt'); load_model('model.pt'{''.join(f', {k}={v}' for k, v in kwargs.items())})"
        trainer.save_model(model, "model.pt")
        loaded = trainer.load_model("model.pt", **kwargs)
        expect_close(loaded(x).detach(), model(x).detach(), call=call, rtol=0, atol=0)
