"""Time the reference MNIST trainer's epoch from tensors against the seed's per-sample torchvision loop.

Both run in this one process over the same 60,000 real digits (the bundled 4,000 training digits repeated 15
times, as full MNIST is not on this machine) with the same model, optimizer and batch size, so the ratio is
measured side by side. The seed's loop is the real thing: torchvision's ``datasets.MNIST`` reading IDX files
written to a temporary folder, with ``ToTensor()`` and ``Normalize`` per sample. With CUDA, it also times an
epoch with the data resident on the GPU (target ≤ 0.2 s on an H100).

    .venv/bin/python bench/bench_trainer.py [--repeat 15] [--epochs 1] [--threads 1]
"""
from __future__ import annotations

import argparse
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from course.data import MNIST_MEAN, MNIST_STD, load_mnist, tensor_loader, to_tensors  # noqa: E402
from course.grading.reference import load_module  # noqa: E402

trainer = load_module(ROOT / "solutions" / "exercise9", "mnist_trainer")


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write a uint8 array in MNIST's IDX format (what torchvision's MNIST reads from MNIST/raw/)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    path.write_bytes(header + array.tobytes())


def seed_loader(root: Path, images: np.ndarray, labels: np.ndarray):
    """The seed's loader: torchvision MNIST + ToTensor + Normalize, one PIL image per sample."""
    from torchvision import datasets, transforms

    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    write_idx(raw / "train-images-idx3-ubyte", images)
    write_idx(raw / "train-labels-idx1-ubyte", labels)
    write_idx(raw / "t10k-images-idx3-ubyte", images[:10])
    write_idx(raw / "t10k-labels-idx1-ubyte", labels[:10])
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MNIST_MEAN,), (MNIST_STD,))])
    dataset = datasets.MNIST(str(root), train=True, download=False, transform=transform)
    return torch.utils.data.DataLoader(dataset, batch_size=100, shuffle=True)


def time_epochs(loader, device: str, epochs: int) -> tuple[float, object]:
    """Best seconds per epoch of the reference train_one_epoch (Adam, lr 1e-3), and the trained model."""
    torch.manual_seed(0)
    model = trainer.MLP().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    best = float("inf")
    for _ in range(epochs):
        if device == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        trainer.train_one_epoch(model, loader, opt, device)
        if device == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - started)
    return best, model


def main(argv=None) -> None:
    """Run the CPU comparison, then the CUDA timing when a GPU is present."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="copies of the 4,000 digits (15 → 60,000)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per pipeline (the best is reported)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads for both pipelines (1, as in the grading sandbox: on a shared "
                             "machine two threads that wait for each other are many times slower)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_mnist(source="bundled")
    images, labels = np.tile(data.train_images, (args.repeat, 1, 1)), np.tile(data.train_labels, args.repeat)
    x, y = to_tensors(images, labels)
    test = to_tensors(data.test_images, data.test_labels)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, {len(y):,} digits per epoch")

    # The fast pipeline runs before and after the slow one: on a shared machine the load changes in between.
    before, model = time_epochs(tensor_loader(x, y, batch_size=100, shuffle=True), "cpu", args.epochs)
    accuracy = trainer.evaluate(model, tensor_loader(*test, batch_size=500), "cpu")
    with tempfile.TemporaryDirectory() as tmp:
        slow, _ = time_epochs(seed_loader(Path(tmp), images, labels), "cpu", args.epochs)
    fast = min(before, time_epochs(tensor_loader(x, y, batch_size=100, shuffle=True), "cpu", args.epochs)[0])
    print(f"CPU epoch, reference trainer from tensors:        {fast:7.2f} s")
    print(f"CPU epoch, seed's per-sample ToTensor DataLoader: {slow:7.2f} s")
    print(f"ratio: {slow / fast:.1f}x (target >= 5x); held-out accuracy after the fast epoch: {accuracy:.4f}")

    if not torch.cuda.is_available():
        print("CUDA: no CUDA on this machine, GPU timing not run")
        return
    xc, yc = x.to("cuda"), y.to("cuda")
    time_epochs(tensor_loader(xc, yc, batch_size=100, shuffle=True), "cuda", 1)   # warm-up: kernels, allocator
    gpu, model = time_epochs(tensor_loader(xc, yc, batch_size=100, shuffle=True), "cuda", max(args.epochs, 3))
    accuracy = trainer.evaluate(model, tensor_loader(*(t.to("cuda") for t in test), batch_size=500), "cuda")
    print(f"CUDA epoch ({torch.cuda.get_device_name()}), data resident on the device: {gpu:.3f} s "
          f"(target <= 0.2 s); held-out accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
