"""The data train.py trains on: arrays from a .npz file, or synthetic arrays shaped to the model.

model.mg says what the model reads and writes (modelgen reads it, without TensorFlow):
one array per input and per output, in the model's order, each named after its Keras
layer, the samples on the first axis. `python data.py` lists them for this model.

Targets follow each output's final activation: a softmax output takes integer class
labels (one axis fewer than the output) or one-hot rows, a sigmoid output takes 0 or 1,
any other output takes values (regression). Nothing is ever downloaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from modelgen.project import Array, model_arrays

SPEC = Path(__file__).resolve().with_name("model.mg")
INPUTS, OUTPUTS = model_arrays(SPEC)
ANY_SIZE = 16  # what synthetic data makes of an axis that takes any size ('?' in model.mg)

Arrays = list[np.ndarray]


class DataError(ValueError):
    """A .npz file that does not hold what the model reads and writes."""


def load(
    path: str | Path | None = None, samples: int = 256, seed: int = 0
) -> tuple[Arrays, Arrays]:
    """The inputs and targets in the .npz file at `path`, or `samples` synthetic ones."""
    return load_npz(path) if path else synthetic(samples, seed)


def synthetic(samples: int, seed: int = 0) -> tuple[Arrays, Arrays]:
    """Random inputs and targets of the model's shapes and kinds."""
    rng = np.random.default_rng(seed)
    inputs = [_random_input(array, samples, rng) for array in INPUTS]
    targets = [_random_target(array, samples, rng) for array in OUTPUTS]
    return inputs, targets


def _size(shape: tuple[int | None, ...], samples: int) -> tuple[int, ...]:
    return (samples, *(ANY_SIZE if size is None else size for size in shape))


def _random_input(array: Array, samples: int, rng: np.random.Generator) -> np.ndarray:
    if array.kind == "ids":
        return rng.integers(0, array.high, _size(array.shape, samples)).astype(array.dtype)
    return rng.standard_normal(_size(array.shape, samples)).astype(array.dtype)


def _random_target(array: Array, samples: int, rng: np.random.Generator) -> np.ndarray:
    if array.kind == "classes":  # integer labels
        return rng.integers(0, array.high, _size(array.shape[:-1], samples))
    if array.kind == "binary":
        return rng.integers(0, 2, _size(array.shape, samples)).astype("float32")
    return rng.standard_normal(_size(array.shape, samples)).astype("float32")


def load_npz(path: str | Path) -> tuple[Arrays, Arrays]:
    """The model's arrays from a .npz file, checked against the shapes model.mg declares."""
    with np.load(path) as stored:
        missing = [array.name for array in INPUTS + OUTPUTS if array.name not in stored]
        if missing:
            held = ", ".join(stored.files) or "no arrays"
            raise DataError(
                f"{path}: no array named {', '.join(missing)} (it holds {held}); "
                "python data.py lists the arrays the model needs"
            )
        inputs = [stored[array.name] for array in INPUTS]
        targets = [stored[array.name] for array in OUTPUTS]
    for array, value in zip(INPUTS, inputs, strict=True):
        _check(path, array, value, [array.shape])
    for array, value in zip(OUTPUTS, targets, strict=True):
        labels = [array.shape[:-1]] if array.kind == "classes" else []
        _check(path, array, value, [array.shape, *labels])
    counts = {len(value) for value in inputs + targets}
    if len(counts) > 1:
        raise DataError(f"{path}: the arrays hold different numbers of samples: {sorted(counts)}")
    return inputs, targets


def _check(path: str | Path, array: Array, value: np.ndarray, shapes: list[tuple]) -> None:
    def fits(shape: tuple) -> bool:
        return len(shape) == value.ndim - 1 and all(
            size is None or size == got for size, got in zip(shape, value.shape[1:], strict=True)
        )

    if not any(fits(shape) for shape in shapes):
        wanted = " or ".join(_show(shape) for shape in shapes)
        raise DataError(f"{path}: {array.name} is {value.shape}; the model needs {wanted}")


def save_npz(path: str | Path, inputs: Arrays, targets: Arrays) -> None:
    """Write arrays in the format load_npz reads."""
    named = zip(INPUTS + OUTPUTS, inputs + targets, strict=True)
    np.savez(path, **{array.name: value for array, value in named})


def _show(shape: tuple[int | None, ...]) -> str:
    return (
        "(" + ", ".join(["samples", *("?" if size is None else str(size) for size in shape)]) + ")"
    )


def describe() -> str:
    """The arrays a .npz file holds for this model, one line each."""
    lines = []
    for array in INPUTS:
        what = f"integers in [0, {array.high})" if array.kind == "ids" else "numbers"
        lines.append((array.name, "input", f"{_show(array.shape)} {array.dtype}: {what}"))
    for array in OUTPUTS:
        if array.kind == "classes":
            what = (
                f"{_show(array.shape[:-1])} class labels in [0, {array.high}), "
                f"or {_show(array.shape)} one-hot (softmax)"
            )
        elif array.kind == "binary":
            what = f"{_show(array.shape)} 0 or 1 (sigmoid)"
        else:
            what = f"{_show(array.shape)} values (regression)"
        lines.append((array.name, "target", what))
    width = max(len(name) for name, _, _ in lines)
    return "\n".join(f"{name.ljust(width)}  {role:<6}  {what}" for name, role, what in lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="List the arrays the model reads and writes; --synthetic writes a .npz of them."
    )
    parser.add_argument("--synthetic", metavar="PATH.npz", help="write synthetic arrays here")
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(describe())
    if args.synthetic:
        save_npz(args.synthetic, *synthetic(args.samples, args.seed))
        print(f"wrote {args.synthetic}: {args.samples} synthetic samples")


if __name__ == "__main__":
    main()
