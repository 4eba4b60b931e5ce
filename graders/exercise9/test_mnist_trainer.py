"""Exercise 9 public checks: the MLP, one training epoch, evaluation, a short fit, saving and loading."""
import torch
import torch.nn.functional as F

from course.checks import CheckFailure, check, expect_close, tr
from course.mistakes.pytorch import DEVICE_CODES, TRAINER_CODES, recognise_errors

SHAPES = {"l1.weight": (300, 784), "l1.bias": (300,), "l2.weight": (10, 300), "l2.bias": (10,)}


@check("mlp.shapes", 1, ja="MLP: 層の名前・形・パラメータ数 (238,510)",
       hint=[tr("The layers are attributes named l1 and l2, and the sizes come from the arguments.",
                "レイヤは l1 と l2 という属性で、大きさは引数から決まります。"),
             tr("l1 maps in_dim → hidden and l2 maps hidden → out_dim: 784·300 + 300 + 300·10 + 10 = 238,510 "
                "parameters.",
                "l1 は in_dim → hidden、l2 は hidden → out_dim です: 784·300 + 300 + 300·10 + 10 = 238,510 個のパラメータ。"),
             tr("self.l1 = nn.Linear(in_dim, hidden); self.l2 = nn.Linear(hidden, out_dim)",
                "self.l1 = nn.Linear(in_dim, hidden); self.l2 = nn.Linear(hidden, out_dim)")])
def test_mlp_shapes(learner, ex9):
    """MLP() has layers l1 (784→300) and l2 (300→10): 238,510 parameters; the sizes are arguments"""
    state = ex9.state_of(ex9.mlp(learner))
    got = {k: tuple(v.shape) for k, v in state.items()}
    if got != SHAPES:
        raise CheckFailure(tr("the state_dict's names or shapes differ", "state_dict の名前か形が違います"),
                           call="MLP().state_dict()", expected=str(SHAPES), got=str(got))
    count = sum(v.numel() for v in state.values())
    if count != 238_510:
        raise CheckFailure(tr("wrong number of parameters", "パラメータ数が違います"), call="MLP()",
                           expected=238_510, got=count)
    small = {k: tuple(v.shape) for k, v in ex9.state_of(ex9.mlp(learner, in_dim=20, hidden=7, out_dim=3)).items()}
    want = {"l1.weight": (7, 20), "l1.bias": (7,), "l2.weight": (3, 7), "l2.bias": (3,)}
    if small != want:
        raise CheckFailure(tr("in_dim, hidden and out_dim must set the layer sizes",
                              "in_dim, hidden, out_dim で層の大きさを決めます"),
                           call="MLP(in_dim=20, hidden=7, out_dim=3)", expected=str(want), got=str(small))


@check("mlp.forward", 1, ja="MLP.forward: (N,1,28,28) と (N,784) からロジット",
       hint=[tr("Images arrive as (N, 1, 28, 28), but a Linear layer wants (N, 784).",
                "画像は (N, 1, 28, 28) で来ますが、Linear レイヤは (N, 784) を求めます。"),
             tr("Flatten every dimension after the batch one, then l1 → ReLU → l2; return the raw scores "
                "(cross_entropy applies softmax itself).",
                "バッチ以外の次元を平らにしてから l1 → ReLU → l2。生のスコアを返します (cross_entropy が softmax を自分で適用します)。"),
             tr("flatten with x.flatten(1) (or x.view(len(x), -1)) and return the logits, without softmax",
                "x.flatten(1) で平坦化し、softmax をかけずにロジットを返します")])
def test_mlp_forward(learner, ex9, mnist):
    """forward accepts images (N, 1, 28, 28) and flat rows (N, 784) and returns the logits"""
    model = ex9.mlp(learner)
    here = ex9.mlp_here(ex9.state_of(model))
    images = mnist.test[0][:5]
    for x, call in ((images, "model(x)  # x: (5, 1, 28, 28)"), (images.reshape(5, 784), "model(x)  # x: (5, 784)")):
        with recognise_errors(call, "no-flatten"):
            got = model(x)
        with torch.no_grad():
            want = here(x)
        probabilities = isinstance(got, torch.Tensor) and got.shape == want.shape and bool(
            torch.allclose(got.detach().sum(1), torch.ones(5), atol=1e-4))
        expect_close(got.detach() if isinstance(got, torch.Tensor) else got, want, call=call, rtol=1e-4, atol=1e-5,
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
def test_train_one_epoch(learner, ex9, mnist, device):
    """train_one_epoch returns the mean batch loss as a float and updates the model like the reference"""
    images, labels = mnist.train[0][:150], mnist.train[1][:150]
    model = ex9.mlp(learner)
    state = ex9.state_of(model)
    model.eval()
    for name, value in state.items():
        model.ref.get_parameter.ref(name).grad = torch.full_like(value, 0.01)
    model.to(device)     # the contract's callers move the model; train_one_epoch moves only the batches
    opt = learner.module("torch").optim.SGD(model.ref.parameters(), lr=0.1)
    call = "train_one_epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.1), device)  # 3 batches of 50"
    with recognise_errors(call, *TRAINER_CODES):
        loss = learner.module("mnist_trainer").train_one_epoch(model, ex9.loader(learner, images, labels, 50), opt,
                                                               device)
    ex9.expect_number(loss, call, "the loss", "loss-not-float")
    batches = [(images[i:i + 50], labels[i:i + 50]) for i in range(0, 150, 50)]
    want_loss, want_state = ex9.replay_epoch(state, batches, 0.1, stale=0.01)
    soft_loss = ex9.replay_epoch(state, batches, 0.1, stale=0.01, softmax=True)[0]
    no_zero_loss, no_zero = ex9.replay_epoch(state, batches, 0.1, stale=0.01, zero=False)

    def diagnose(g):
        near = {"softmax-before-cross-entropy": soft_loss, "missing-zero-grad": no_zero_loss}
        return next((code for code, value in near.items() if abs(float(g) - value) < 1e-4 * abs(value)), None)

    expect_close(float(loss), want_loss, call=call, what="mean loss", rtol=1e-4, diagnose=diagnose)
    got_state = ex9.state_of(model)
    if not ex9.states_close(got_state, want_state):
        raise CheckFailure(tr("the parameters after the epoch differ from the reference",
                              "エポック後のパラメータが参照解と違います"), call=call,
                           expected=want_state["l2.bias"], got=got_state["l2.bias"],
                           diagnosis="missing-zero-grad" if ex9.states_close(got_state, no_zero) else None)
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
def test_evaluate_short_last_batch(learner, ex9, mnist, device, trained_state):
    """evaluate gives the accuracy over 250 samples in batches of 100, 100 and 50, leaving the model unchanged"""
    model = ex9.mlp(learner)
    model.load_state_dict(trained_state)
    model.to(device)
    with torch.no_grad():
        hits = ex9.mlp_here(trained_state)(mnist.test[0]).argmax(1) == mnist.test[1]
    # 250 digits whose short last batch scores unlike the others, so a mean of batch accuracies shows.
    start = next(s for s in range(0, 750, 10) if abs(hits[s + 200:s + 250].double().mean().item()
                                                      - hits[s:s + 200].double().mean().item()) > 0.03)
    images, labels, hits = mnist.test[0][start:start + 250], mnist.test[1][start:start + 250], hits[start:start + 250]
    call = f"evaluate(model, loader, device)  # 250 test digits from #{start}, batch_size=100"
    with recognise_errors(call, *DEVICE_CODES):
        got = learner.module("mnist_trainer").evaluate(model, ex9.loader(learner, images, labels, 100), device)
    ex9.expect_number(got, call, "the accuracy", "accuracy-tensor-not-item")
    want = hits.double().mean().item()
    batch_mean = sum(hits[i:i + 100].double().mean().item() for i in range(0, 250, 100)) / 3
    expect_close(float(got), want, call=call, what="accuracy", rtol=0, atol=1e-6,
                 diagnose=lambda g: "accuracy-batch-mean" if abs(float(g) - batch_mean) < 1e-6 else None)
    if not ex9.states_close(ex9.state_of(model), trained_state, rtol=0, atol=0):
        raise CheckFailure(tr("evaluate changed the model's parameters", "evaluate がモデルのパラメータを変えました"),
                           call=call, diagnosis="input-mutated")


@check("fit.history", 1, ja="fit: 2 エポックの履歴 (loss と accuracy)", timeout=30,
       hint=[tr("fit returns what happened in each epoch, as plain numbers.",
                "fit は各エポックに起きたことを、ただの数値で返します。"),
             tr("Train with Adam for the given epochs; after each, append the epoch's mean loss and the accuracy "
                "as Python floats.",
                "与えられたエポック数だけ Adam で学習し、各エポックの後に平均損失と正解率を Python の float で追加します。"),
             tr("return {'loss': [...], 'accuracy': [...]} with one Python float per epoch",
                "{'loss': [...], 'accuracy': [...]} をエポックごとに 1 つの float で返します")])
def test_fit_history(learner, ex9, mnist, device):
    """fit trains with Adam for 2 epochs and returns per-epoch loss and accuracy as floats"""
    (x, t), (xt, tt) = mnist.train, mnist.test
    model = ex9.mlp(learner)
    call = "fit(model, train_loader, test_loader, epochs=2, device=device)  # 1000 train, 500 test digits"
    with recognise_errors(call, *TRAINER_CODES):
        history = learner.module("mnist_trainer").fit(model, ex9.loader(learner, x[:1000], t[:1000], 100, True),
                                                      ex9.loader(learner, xt[:500], tt[:500], 100), epochs=2,
                                                      device=device)
    if not (isinstance(history, dict) and all(isinstance(history.get(k), list) and len(history[k]) == 2
                                              for k in ("loss", "accuracy"))):
        raise CheckFailure(tr("fit must return {'loss': [2 values], 'accuracy': [2 values]}",
                              "fit は {'loss': [2 個], 'accuracy': [2 個]} を返します"), call=call,
                           got=repr(history)[:300])
    for value in history["loss"]:
        ex9.expect_number(value, call, "history['loss']", "loss-not-float")
    for value in history["accuracy"]:
        ex9.expect_number(value, call, "history['accuracy']", "accuracy-tensor-not-item")
    if ex9.at_softmax_floor(history["loss"]):
        raise CheckFailure(tr("the loss stays above 1.4612, the floor of cross_entropy on softmax outputs",
                              "損失が softmax 出力の cross_entropy の下限 1.4612 より下がりません"), call=call,
                           got=history["loss"], diagnosis="softmax-before-cross-entropy")
    if not history["loss"][1] < history["loss"][0]:
        raise CheckFailure(tr("the loss did not go down", "損失が下がっていません"), call=call, got=history["loss"])
    here = ex9.accuracy_here(ex9.state_of(model), xt[:500], tt[:500])
    expect_close(history["accuracy"][-1], here, call=call, what="history['accuracy'][-1] vs the model's accuracy",
                 rtol=0, atol=0.005)


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
def test_save_load(learner, ex9, mnist):
    """load_model(path, **kwargs) rebuilds a saved MLP that gives identical outputs"""
    trainer = learner.module("mnist_trainer")
    x = mnist.test[0][:4]
    for kwargs in ({}, {"hidden": 50}):
        model = ex9.mlp(learner, seed=5, **kwargs)
        call = f"save_model(model, 'model.pt'); load_model('model.pt'{''.join(f', {k}={v}' for k, v in kwargs.items())})"
        trainer.save_model(model, "model.pt")
        loaded = trainer.load_model("model.pt", **kwargs)
        expect_close(loaded(x).detach(), model(x).detach(), call=call, rtol=0, atol=0)
