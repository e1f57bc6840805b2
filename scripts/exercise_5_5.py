"""Exercise 5.5: standard BP against accumulated BP on watermelon 3.0, with the reference.

Trains a 19-q-1 network (q = 5, η = 0.1, parameters drawn from a fixed seed) with both
algorithms from the same start, prints E (5.16) and training accuracy at a few epoch counts,
and saves the table (JSON) and both loss curves (PNG) in the output folder.

    python scripts/exercise_5_5.py [--out var/exercise_5_5] [--checkpoints 100 1000 5000]
"""

import argparse
import json
from pathlib import Path

import numpy as np

from source_impl import init_params, train_accumulated_bp, train_standard_bp
from source_impl.datasets import load_watermelon3_0
from source_impl.training import classification_accuracy

ALGORITHMS = {"standard BP": train_standard_bp, "accumulated BP": train_accumulated_bp}


def compare(checkpoints, q=5, eta=0.1, seed=0):
    """Train both algorithms up to max(checkpoints) epochs from the same parameters.

    Returns the table rows (one per algorithm and checkpoint) and each algorithm's loss
    history. Training continues from each checkpoint's parameters, which gives the same
    numbers as one long run because both algorithms depend only on the current parameters.
    """
    X, y, _ = load_watermelon3_0()
    Y = y[:, None].astype(float)
    params0 = init_params(X.shape[1], q, 1, np.random.default_rng(seed))
    rows, histories = [], {}
    for name, train in ALGORITHMS.items():
        params, done, history = params0, 0, []
        for epochs in sorted(checkpoints):
            params, segment = train(X, Y, params, eta, epochs - done)
            history.extend(segment)
            done = epochs
            rows.append(
                {
                    "algorithm": name,
                    "epochs": epochs,
                    "E": history[-1],
                    "accuracy": classification_accuracy(X, Y, params),
                }
            )
        histories[name] = np.array(history)
    return rows, histories


def format_table(rows):
    lines = [f"{'algorithm':<16}{'epochs':>8}{'E (5.16)':>14}{'accuracy':>10}"]
    lines += [
        f"{r['algorithm']:<16}{r['epochs']:>8}{r['E']:>14.6f}{r['accuracy']:>10.1%}" for r in rows
    ]
    return "\n".join(lines)


def plot(histories, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, history in histories.items():
        ax.plot(np.arange(1, len(history) + 1), history, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accumulated error E (5.16)")
    ax.set_title("Exercise 5.5 on watermelon 3.0: standard vs accumulated BP")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("var/exercise_5_5"), help="output folder")
    parser.add_argument(
        "--checkpoints",
        type=int,
        nargs="+",
        default=[100, 500, 1000, 2000, 5000],
        help="epoch counts to report",
    )
    args = parser.parse_args(argv)
    if min(args.checkpoints) < 1:
        parser.error("--checkpoints must be positive epoch counts")
    print(
        f"training on watermelon 3.0 up to {max(args.checkpoints)} epochs (q = 5, η = 0.1) ...",
        flush=True,
    )
    rows, histories = compare(args.checkpoints)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "table.json").write_text(
        json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    plot(histories, args.out / "loss_curves.png")
    print(format_table(rows))
    print(f"\nwrote {args.out / 'table.json'} and {args.out / 'loss_curves.png'}")


if __name__ == "__main__":
    main()
