"""Exercise 5.5: standard BP against accumulated BP on watermelon 3.0, with the reference.

Trains a 19-q-1 network (q = 5, η = 0.1, parameters drawn from a fixed seed) with both
algorithms from the same start, prints E (5.16) and training accuracy at a few epoch counts,
and saves the table (JSON) and both loss curves (PNG) in the output folder. With --seeds it
also runs the notebook's exercise 5.5 on each seed, what the model answers of its questions rest on,
and saves one row a seed (seeds.json).

    python scripts/exercise_5_5.py [--out var/exercise_5_5] [--checkpoints 100 1000 5000] [--seeds 0 1 2]
"""

import argparse
import json
from pathlib import Path

import numpy as np

from source_impl import forward, init_params, train_accumulated_bp, train_standard_bp
from source_impl.datasets import load_watermelon3_0
from source_impl.training import classification_accuracy

ALGORITHMS = {"standard BP": train_standard_bp, "accumulated BP": train_accumulated_bp}
# the notebook's exercise 5.5: each algorithm's epochs on all 17 samples, E after E_AT of them; the
# book's Table 4.2 split
EPOCHS = {"standard BP": 1000, "accumulated BP": 5000}
E_AT = (10, 100, 1000, 5000)
SPLIT_CHECKPOINTS = (1000, 2000, 5000)
TRAINING_SAMPLES = [1, 2, 3, 6, 7, 10, 14, 15, 16, 17]
E_BELOW = 0.1  # past the plateau near 0.1246


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


def seed_row(seed, q=5, eta=0.1):
    """What the notebook's two exercise 5.5 capstones show for one seed, and what their questions ask of it.

    Question 1: E after E_AT epochs (those each algorithm trains), the first epoch below E_BELOW and the largest gap between the
    two curves at equal update counts (standard BP's epoch t ends after 17t updates). Question 2:
    the initial hidden outputs b_h and the mean of b_h(1 − b_h). Question 3: samples right on the
    training and on the test set of Table 4.2's split after SPLIT_CHECKPOINTS epochs.
    """
    X, y, _ = load_watermelon3_0()
    Y = y[:, None].astype(float)
    m = len(X)
    params0 = init_params(X.shape[1], q, 1, np.random.default_rng(seed))
    b = forward(X, *params0)[0]
    row = {"seed": seed, "b_min": b.min(), "b_max": b.max(), "mean_b(1-b)": np.mean(b * (1 - b))}
    histories = {}
    for name, train in ALGORITHMS.items():
        params, histories[name] = train(X, Y, params0, eta, EPOCHS[name])
        row[name] = {
            **{f"E@{t}": histories[name][t - 1] for t in E_AT if t <= EPOCHS[name]},
            "accuracy": classification_accuracy(X, Y, params),
            f"first epoch E<{E_BELOW}": int(np.argmax(histories[name] < E_BELOW)) + 1,
        }
    standard, accumulated = histories["standard BP"], histories["accumulated BP"]
    common = min(len(standard), len(accumulated) // m)
    row["largest gap per update"] = np.max(
        np.abs(standard[:common] - accumulated[m - 1 : common * m : m])
    )
    training = np.isin(np.arange(1, m + 1), TRAINING_SAMPLES)
    for name, train in ALGORITHMS.items():
        params, done = params0, 0
        for epochs in SPLIT_CHECKPOINTS:
            params, _ = train(X[training], Y[training], params, eta, epochs - done)
            done = epochs
            right = (forward(X, *params)[1][:, 0] >= 0.5) == y
            row[name][f"split@{epochs}"] = [int(right[training].sum()), int(right[~training].sum())]
    return {key: _plain(value) for key, value in row.items()}


def _plain(value):
    """NumPy numbers as JSON's, rounded to what the model answers quote."""
    if isinstance(value, dict):
        return {key: _plain(part) for key, part in value.items()}
    if isinstance(value, (float, np.floating)):
        return round(float(value), 5)
    return value


def format_seeds(rows):
    """One line a seed and algorithm: E at E_AT, accuracy, first epoch below E_BELOW, the split's counts."""
    split = "".join(f"{f'split@{t}':>11}" for t in SPLIT_CHECKPOINTS)
    lines = [
        f"{'seed':<5}{'algorithm':<16}"
        + "".join(f"{f'E@{t}':>10}" for t in E_AT)
        + f"{'accuracy':>10}{f'E<{E_BELOW} at':>10}{split}"
    ]
    for row in rows:
        for name in ALGORITHMS:
            r = row[name]
            lines.append(
                f"{row['seed']:<5}{name:<16}"
                + "".join(f"{r[f'E@{t}']:>10.5f}" if f"E@{t}" in r else f"{'—':>10}" for t in E_AT)
                + f"{r['accuracy']:>10.1%}{r[f'first epoch E<{E_BELOW}']:>10}"
                + "".join(f"{'{}/10 {}/7'.format(*r[f'split@{t}']):>11}" for t in SPLIT_CHECKPOINTS)
            )
        lines.append(
            f"{'':<5}b_h {row['b_min']:.3f} to {row['b_max']:.3f}, mean b_h(1 − b_h) "
            f"{row['mean_b(1-b)']:.3f}; largest gap between the curves per update {row['largest gap per update']:.4f}"
        )
    return "\n".join(lines)


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
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[],
        help="also run the notebook's exercise 5.5 on each of these seeds (seeds.json)",
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
    if args.seeds:
        print(
            f"\nthe notebook's exercise 5.5 on seeds {', '.join(map(str, args.seeds))} ...",
            flush=True,
        )
        seeds = [seed_row(seed) for seed in args.seeds]
        (args.out / "seeds.json").write_text(
            json.dumps(seeds, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(format_seeds(seeds))
        print(f"\nwrote {args.out / 'seeds.json'}")


if __name__ == "__main__":
    main()
