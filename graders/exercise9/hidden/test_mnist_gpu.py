"""Exercise 9 GPU checks (``--device cuda`` only): the learner's trainer really runs on CUDA."""
import time

import torch

from course.checks import CheckFailure, check, gpu, tr
from course.data import tensor_loader
from course.mistakes.pytorch import TRAINER_CODES, recognise_errors
from exercise9.helpers import (accuracy_here, expect_number, grading_rng, learner_loader, learner_mlp,
                               relabelled_mnist, state_of)


@gpu
@check("gpu.fit_cuda", 2, hidden=True, ja="GPU: cuda で fit、モデルが GPU 上、正解率 90% 以上", timeout=30,
       hint=tr("model.to(device) in fit, batches .to(device), .item() instead of .numpy()",
               "fit で model.to(device)、バッチを .to(device)、.numpy() ではなく .item() を使います"))
def test_fit_on_cuda(learner, reference, device):
    """fit(device='cuda') keeps the model on the GPU and reaches 90 % held-out accuracy, as the reference does"""
    train, test = relabelled_mnist(grading_rng())     # drawn now: no weights prepared for it
    model = learner_mlp(learner)
    call = tr("fit(model, train_loader, test_loader, epochs=5, device='cuda')  # bundled MNIST, relabelled",
              "fit(model, train_loader, test_loader, epochs=5, device='cuda')  # 同梱の MNIST、ラベルを付け替え")
    with recognise_errors(call, *TRAINER_CODES):
        learner.module("mnist_trainer").fit(model, learner_loader(learner, *train, 100, True),
                                            learner_loader(learner, *test, 500), epochs=5, device=device)
    where = {k: getattr(v, "_wire_info", {}).get("device", "?") for k, v in model.state_dict().items()}
    if not all(d.startswith("cuda") for d in where.values()):
        raise CheckFailure(tr("after fit(device='cuda') the model is not on the GPU: call model.to(device)",
                              "fit(device='cuda') のあとモデルが GPU 上にありません。model.to(device) を呼びます"),
                           call=call, got=where, diagnosis="not-on-device")
    accuracy = accuracy_here(state_of(model), *test)
    torch.manual_seed(0)
    ref_model = reference.module("mnist_trainer").MLP()
    ref_history = reference.module("mnist_trainer").fit(ref_model, tensor_loader(*train, batch_size=100, shuffle=True),
                                                        tensor_loader(*test, batch_size=500), epochs=5, device="cuda")
    if accuracy < 0.9:
        raise CheckFailure(tr("held-out accuracy below 90 % after training on CUDA", "CUDA で学習後の正解率が 90% 未満です"),
                           call=call, expected=f">= 0.90 (the reference on CUDA: {ref_history['accuracy'][-1]:.4f})",
                           got=round(accuracy, 4))


@gpu
@check("gpu.epoch_on_device", 1, hidden=True, ja="GPU: train_one_epoch と evaluate が cuda で動く", timeout=30)
def test_epoch_on_cuda(learner, mnist, device):
    """train_one_epoch and evaluate run with the model and the batches on CUDA"""
    model = learner_mlp(learner)
    model.to(device)
    opt = learner.module("torch").optim.Adam(model.ref.parameters(), lr=1e-3)
    trainer = learner.module("mnist_trainer")
    call = "train_one_epoch(model.to('cuda'), loader, optimizer, 'cuda'); evaluate(model, loader, 'cuda')"
    started = time.monotonic()
    with recognise_errors(call, *TRAINER_CODES):
        loss = trainer.train_one_epoch(model, learner_loader(learner, *mnist.train, 100, True), opt, device)
        accuracy = trainer.evaluate(model, learner_loader(learner, *mnist.test, 500), device)
    expect_number(loss, call, "the loss", "loss-not-float")
    expect_number(accuracy, call, "the accuracy", "accuracy-tensor-not-item")
    if not 0.5 < accuracy <= 1:
        raise CheckFailure(tr("accuracy after one epoch on CUDA is implausible", "CUDA で 1 エポック後の正解率がおかしいです"),
                           call=call, got=accuracy, details={"seconds": time.monotonic() - started})
