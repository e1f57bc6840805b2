"""The graded items of the perceptron assignment, section 5.2, in course.yaml's order."""

from collections.abc import Callable
from functools import partial
from types import SimpleNamespace

import numpy as np
from numpy.random import Generator

import source_impl as ref
from source_impl.arrays import Array, ArrayLike, IntArray

from .building import (
    ETA_HINT,
    extreme_learning_rate,
    fresh,
    hyperplane,
    labelled,
    learning_rate,
    loss_all_correct,
    loss_general,
    loss_on_hyperplane,
    points_on,
    size,
)
from .record import Arguments, CaseGenerator, ItemRecord, Misconception

# --- the public self-check's values ----------------------------------------------------------

_W_HAT = np.array([1.0, -1.0, 0.5])
_X_HAT = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.5, 1.0], [2.0, 3.0, 1.0]])
_AND = (ref.augment([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 0, 0, 1]))


def _fixed_points() -> SimpleNamespace:
    """The purity test's values, built afresh: ŵ, eight augmented points X̂ and their 0/1 labels y."""
    X_hat = ref.augment(np.random.default_rng(2).normal(size=(8, 2)))
    return SimpleNamespace(
        w_hat=np.array([0.5, -1.0, 0.2]), X_hat=X_hat, y=np.array([0, 1, 1, 0, 1, 0, 0, 1])
    )


_purity = partial(fresh, _fixed_points)

# --- hidden case generators of one item --------------------------------------------------


def _augment_one(rng: Generator) -> Arguments:
    return (rng.normal(size=size(rng)),)


def _augment_matrix(rng: Generator) -> Arguments:
    return (rng.normal(size=(size(rng), size(rng))),)


def _predict_general(rng: Generator) -> Arguments:
    w_hat, X_hat = labelled(rng)
    return (w_hat, X_hat[0]) if rng.random() < 0.3 else (w_hat, X_hat)


def _predict_on_hyperplane(rng: Generator) -> Arguments:
    n = size(rng, 1, 4)
    w_hat, pivot = hyperplane(rng, n)
    on = points_on(rng, w_hat, pivot, size(rng, 1, 4))
    off = ref.augment(rng.normal(size=(size(rng, 1, 3), n)))
    X_hat = rng.permutation(np.vstack([on, off]))
    return (w_hat, on[0]) if rng.random() < 0.3 else (w_hat, X_hat)


def _distance_general(rng: Generator) -> Arguments:
    n = size(rng)
    return rng.normal(size=n), float(rng.normal()), rng.normal(size=n)


def _distance_on_hyperplane(rng: Generator) -> Arguments:
    w_hat, pivot = hyperplane(rng, size(rng, 1, 4))
    return w_hat[:-1], float(w_hat[-1]), points_on(rng, w_hat, pivot, 1)[0, :-1]


def _delta(rng: Generator, misclassified: bool, eta: float) -> Arguments:
    w_hat, X_hat = labelled(rng, m=1)
    y_hat = ref.perceptron_predict(w_hat, X_hat[0])
    return w_hat, X_hat[0], int(1 - y_hat if misclassified else y_hat), eta


def _train_separable(rng: Generator) -> Arguments:
    m, n = size(rng, 4, 8), size(rng, 1, 3)
    X_hat = ref.augment(rng.uniform(-1.0, 1.0, (m, n)))
    truth = rng.normal(size=n + 1)
    y = ref.perceptron_predict(truth, X_hat)
    w_hat0 = np.zeros(n + 1) if rng.random() < 0.5 else rng.normal(size=n + 1)
    return X_hat, y, w_hat0, learning_rate(rng), 30


def _train_not_separable(rng: Generator) -> Arguments:
    """XOR with a little noise: no ŵ classifies it, so training runs all its epochs."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]) + rng.uniform(-0.1, 0.1, (4, 2))
    return (
        ref.augment(X),
        np.array([0, 1, 1, 0]),
        rng.normal(size=3),
        learning_rate(rng),
        size(rng, 3, 8),
    )


# --- the wrong variants -----------------------------------------------------------------------


def _predict_strict(w_hat: ArrayLike, X_hat: ArrayLike) -> int | IntArray:
    z = np.asarray(X_hat, dtype=float) @ np.asarray(w_hat, dtype=float)
    return int(z > 0) if np.ndim(z) == 0 else (z > 0).astype(int)


def _all_points(w_hat: Array, X_hat: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    """The factor 1 − 2yᵢ, which is ŷᵢ − yᵢ on M, and x̂ᵢ, taken for EVERY point instead of M's."""
    return 1.0 - 2.0 * np.asarray(y, dtype=float), np.asarray(X_hat, dtype=float)


def _loss_over_all_points(w_hat: Array, X_hat: ArrayLike, y: ArrayLike) -> float:
    errors, X_hat = _all_points(w_hat, X_hat, y)
    return float(np.sum(errors * (X_hat @ w_hat)))


def _gradient_over_all_points(w_hat: Array, X_hat: ArrayLike, y: ArrayLike) -> Array:
    errors, X_hat = _all_points(w_hat, X_hat, y)
    return errors @ X_hat


def perceptron_delta_pm_one(w_hat: ArrayLike, x_hat: ArrayLike, y: int, eta: float) -> Array:
    """The {−1,+1} rule Δŵ = η y x̂ on a mistake, applied to 0/1 labels."""
    return eta * y * np.asarray(x_hat, dtype=float) * (ref.perceptron_predict(w_hat, x_hat) != y)


PerceptronDelta = Callable[[Array, Array, int, float], Array]
TrainPerceptron = Callable[[Array, IntArray, ArrayLike, float, int], tuple[Array, list[int]]]


def train_perceptron_with(delta: PerceptronDelta) -> TrainPerceptron:
    """train_perceptron with the update delta(ŵ, x̂, y, η) on each mistake."""

    def train(
        X_hat: Array, y: IntArray, w_hat0: ArrayLike, eta: float, max_epochs: int
    ) -> tuple[Array, list[int]]:
        w_hat = np.array(w_hat0, dtype=float)
        mistakes_per_epoch: list[int] = []
        for _ in range(max_epochs):
            mistakes = 0
            for x_hat, y_i in zip(X_hat, y):
                if ref.perceptron_predict(w_hat, x_hat) != y_i:
                    w_hat = w_hat + delta(w_hat, x_hat, y_i, eta)
                    mistakes += 1
            mistakes_per_epoch.append(mistakes)
            if mistakes == 0:
                break
        return w_hat, mistakes_per_epoch

    return train


# Hints shared by several items: (Chinese, English).
_DESCENT = ("更新沿负梯度方向 −∇L", "the update goes along the NEGATIVE gradient −∇L")
_ZERO_ONE_LABELS = (
    "本课程的标签是 0/1，不是 ±1：哪个因子起 y 的作用？",
    "the labels here are 0/1, not ±1: which factor plays the role of y?",
)
_PM_ONE_FORM = "对 0/1 标签用了 {−1,+1} 形式 η y x̂ / the {−1,+1} rule η y x̂ used with 0/1 labels"

# A student's train_perceptron; UPDATE is the new ŵ after a mistake.
_TRAIN_PERCEPTRON = """
def train_perceptron(X_hat, y, w_hat0, eta, max_epochs):
    w_hat, history = np.array(w_hat0, dtype=float), []
    for _ in range(max_epochs):
        mistakes = 0
        for x_hat, y_i in zip(X_hat, y):
            if _ref.perceptron_predict(w_hat, x_hat) != y_i:
                w_hat = UPDATE
                mistakes += 1
        history.append(mistakes)
        if mistakes == 0:
            break
    return w_hat, history
"""

# The loss and its gradient are asked on the same points: the cases, hidden and public, are shared
_LOSS_GENERATORS: dict[str, CaseGenerator] = {
    "general": loss_general,
    "all_correct": loss_all_correct,
    "on_hyperplane": loss_on_hyperplane,
}
_LOSS_PUBLIC_CASES = (
    (_W_HAT, _X_HAT, np.array([1, 0, 0, 1])),
    (_W_HAT, _X_HAT, np.array([0, 1, 1, 0])),
)

ITEMS = (
    ItemRecord(
        id="augment",
        generators={"one_sample": _augment_one, "matrix": _augment_matrix},
        hint="x̂ = (x; 1)：一个样本的形状 (n,) 变成什么？矩阵 (m, n) 呢？ / x̂ = (x; 1): what does the shape (n,) of one sample become, and that of a matrix (m, n)?",
        result_names=None,
        public_cases=((np.array([2.0, -1.0]),), (np.array([[1.0, 2.0], [3.0, 4.0]]),)),
        misconceptions=(
            Misconception(
                "one_first",
                "常数 1 放在了前面 / 1 prepended instead of appended",
                "x̂ = (x; 1)：常数 1 放在哪里？",
                "x̂ = (x; 1): where does the constant 1 go?",
                lambda X: ref.augment(X)[..., np.r_[-1, 0 : np.shape(X)[-1]]],
                """
def augment(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return np.concatenate([[1.0], X])
    return np.hstack([np.ones((X.shape[0], 1)), X])
""",
            ),
        ),
        purity_arguments=_purity(lambda s: (s.X_hat[:, :2].copy(),)),
    ),
    ItemRecord(
        id="perceptron_predict",
        generators={"general": _predict_general, "on_hyperplane": _predict_on_hyperplane},
        hint="看 §5.2 的约定：sgn(0) 是几？一个样本返回 int，矩阵返回 int 数组 / see the conventions of §5.2: what is sgn(0)? An int for one sample, an int array for a matrix.",
        result_names=None,
        public_cases=((_W_HAT, np.array([2.0, 1.0, 1.0])), (_W_HAT, _X_HAT)),
        misconceptions=(
            Misconception(
                "strict_step",
                "把 sgn(0) 当成 0 / sgn(0) taken as 0",
                "恰好在超平面上的点 (z = 0) 预测为几？",
                "what does the step give for a point exactly on the hyperplane (z = 0)?",
                _predict_strict,
                """
def perceptron_predict(w_hat, X_hat):
    z = np.asarray(X_hat, dtype=float) @ np.asarray(w_hat, dtype=float)
    return int(z > 0) if np.ndim(z) == 0 else (z > 0).astype(int)
""",
            ),
        ),
        purity_arguments=_purity(lambda s: (s.w_hat, s.X_hat)),
    ),
    ItemRecord(
        id="distance_to_hyperplane",
        generators={"general": _distance_general, "on_hyperplane": _distance_on_hyperplane},
        hint="距离沿 S 的法向量 w 量取；w 与 b 同乘以 2 时 S 不变，距离也不变；结果 ≥ 0 / the distance is measured along the normal w of S; multiplying w and b by 2 leaves S, and so the distance, unchanged; the result is ≥ 0.",
        result_names=None,
        public_cases=(
            (np.array([3.0, 4.0]), -5.0, np.array([0.0, 0.0])),
            (np.array([1.0, -2.0]), 0.5, np.array([2.0, 1.0])),
        ),
        misconceptions=(
            Misconception(
                "no_norm",
                "没有除以 ‖w‖ / not divided by ‖w‖",
                "w 与 b 同乘以 2 时 S 不变：你的距离变了吗？",
                "multiplying w and b by 2 leaves S unchanged: does your distance change?",
                lambda w, b, x0: float(abs(np.dot(w, x0) + b)),
                """
def distance_to_hyperplane(w, b, x0):
    return float(abs(np.dot(w, x0) + b))
""",
            ),
            Misconception(
                "squared_norm",
                "除以了 ‖w‖² / divided by ‖w‖²",
                "检查除数的量纲",
                "check the units of the divisor",
                lambda w, b, x0: float(abs(np.dot(w, x0) + b) / np.dot(w, w)),
                """
def distance_to_hyperplane(w, b, x0):
    return float(abs(np.dot(w, x0) + b) / np.sum(np.square(w)))
""",
            ),
        ),
        mistake_pairs={("no_norm", "squared_norm"): "both are the divisor"},
        purity_arguments=_purity(lambda s: (s.w_hat[:2], 0.3, s.X_hat[0, :2].copy())),
    ),
    ItemRecord(
        id="perceptron_loss",
        generators=_LOSS_GENERATORS,
        hint="只对误分类集合 M 求和；每一项都 ≥ 0 / sum over the misclassified set M only; every term is ≥ 0.",
        result_names=None,
        public_cases=_LOSS_PUBLIC_CASES,
        misconceptions=(
            Misconception(
                "over_all_points",
                "对所有点求和而不是只对 M / summed over all points, not over M",
                "损失对哪些点求和？",
                "which points does the loss sum over?",
                _loss_over_all_points,
                """
def perceptron_loss(w_hat, X_hat, y):
    return float(np.sum((1 - 2 * np.asarray(y)) * (np.asarray(X_hat) @ w_hat)))
""",
            ),
            Misconception(
                "wrong_sign",
                "把 (ŷ − y) 写成了 (y − ŷ)：损失 ≤ 0 / (y − ŷ) for (ŷ − y): the loss is ≤ 0",
                "感知机损失的每一项都应 ≥ 0",
                "every term of the perceptron loss is ≥ 0",
                lambda w_hat, X_hat, y: -ref.perceptron_loss(w_hat, X_hat, y),
                """
def perceptron_loss(w_hat, X_hat, y):
    y_hat = _ref.perceptron_predict(w_hat, X_hat)
    M = y_hat != y
    return float(np.sum((y[M] - y_hat[M]) * (X_hat[M] @ w_hat)))
""",
            ),
        ),
        mistake_pairs={
            ("over_all_points", "wrong_sign"): lambda w, X, y: -_loss_over_all_points(w, X, y),
        },
        purity_arguments=_purity(lambda s: (s.w_hat, s.X_hat, s.y)),
    ),
    ItemRecord(
        id="perceptron_gradient",
        generators=_LOSS_GENERATORS,
        hint="对 L(ŵ) 的每一项求导时，ŷ 与 M 视为常数 / hold ŷ and M fixed when differentiating each term of L(ŵ).",
        result_names=None,
        public_cases=_LOSS_PUBLIC_CASES,
        misconceptions=(
            Misconception(
                "over_all_points",
                "对所有点求和而不是只对 M / summed over all points, not over M",
                "梯度对哪些点求和？",
                "which points does the gradient sum over?",
                _gradient_over_all_points,
                """
def perceptron_gradient(w_hat, X_hat, y):
    return (1 - 2 * np.asarray(y)) @ np.asarray(X_hat, dtype=float)
""",
            ),
            Misconception(
                "wrong_sign",
                "(ŷ − y) 写成了 (y − ŷ) / (y − ŷ) for (ŷ − y)",
                "这是梯度 ∇L，不是更新方向",
                "this is the gradient ∇L, not the update direction",
                lambda w_hat, X_hat, y: -ref.perceptron_gradient(w_hat, X_hat, y),
                """
def perceptron_gradient(w_hat, X_hat, y):
    y_hat = _ref.perceptron_predict(w_hat, X_hat)
    M = y_hat != y
    return (y[M] - y_hat[M]) @ X_hat[M]
""",
            ),
        ),
        mistake_pairs={
            ("over_all_points", "wrong_sign"): lambda w, X, y: -_gradient_over_all_points(w, X, y),
        },
        purity_arguments=_purity(lambda s: (s.w_hat, s.X_hat, s.y)),
    ),
    ItemRecord(
        id="perceptron_delta",
        generators={
            "misclassified": lambda rng: _delta(rng, True, learning_rate(rng)),
            "correct": lambda rng: _delta(rng, False, learning_rate(rng)),
            "eta_extremes": lambda rng: _delta(rng, True, extreme_learning_rate(rng)),
        },
        hint="(5.2)：本课程的标签是 0/1，不是 ±1；分类正确的点不更新 / (5.2): the labels here are 0/1, not ±1; a correctly classified point gives no update.",
        result_names=None,
        # y = 1 misclassified, y = 1 classified correctly (Δ = 0), y = 0 misclassified: with y = 0 the
        # {−1,+1} rule η y x̂ gives 0 and is told apart from (5.2)
        public_cases=(
            (_W_HAT, np.array([0.0, 1.0, 1.0]), 1, 0.5),
            (_W_HAT, np.array([1.0, 0.0, 1.0]), 1, 0.5),
            (_W_HAT, np.array([2.0, 1.0, 1.0]), 0, 0.25),
        ),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "(y − ŷ) 写成了 (ŷ − y) / (ŷ − y) for (y − ŷ)",
                *_DESCENT,
                lambda w_hat, x_hat, y, eta: -ref.perceptron_delta(w_hat, x_hat, y, eta),
                """
def perceptron_delta(w_hat, x_hat, y, eta):
    return eta * (_ref.perceptron_predict(w_hat, x_hat) - y) * np.asarray(x_hat, dtype=float)
""",
            ),
            Misconception(
                "missing_eta",
                "漏了 η / η left out",
                *ETA_HINT,
                lambda w_hat, x_hat, y, eta: ref.perceptron_delta(w_hat, x_hat, y, 1.0),
                """
def perceptron_delta(w_hat, x_hat, y, eta):
    return (y - _ref.perceptron_predict(w_hat, x_hat)) * np.asarray(x_hat, dtype=float)
""",
            ),
            Misconception(
                "pm_one_form",
                _PM_ONE_FORM,
                *_ZERO_ONE_LABELS,
                perceptron_delta_pm_one,
                """
def perceptron_delta(w_hat, x_hat, y, eta):
    if _ref.perceptron_predict(w_hat, x_hat) != y:
        return eta * y * np.asarray(x_hat, dtype=float)
    return np.zeros(len(x_hat))
""",
            ),
        ),
        mistake_pairs={
            ("wrong_sign", "missing_eta"): lambda w, x, y, eta: -ref.perceptron_delta(w, x, y, 1.0),
            ("wrong_sign", "pm_one_form"): lambda w, x, y, eta: (
                -perceptron_delta_pm_one(w, x, y, eta)
            ),
            ("missing_eta", "pm_one_form"): lambda w, x, y, eta: perceptron_delta_pm_one(
                w, x, y, 1.0
            ),
        },
        purity_arguments=_purity(lambda s: (s.w_hat, s.X_hat[0], 1, 0.5)),
    ),
    ItemRecord(
        id="train_perceptron",
        generators={"separable": _train_separable, "not_separable": _train_not_separable},
        hint="按顺序遍历，只在出错时更新，一轮无错即停 / in order, update on mistakes only, stop after a pass without one.",
        result_names=("w_hat", "mistakes_per_epoch"),
        public_cases=((*_AND, np.zeros(3), 0.5, 20), (*_AND, np.array([0.5, 0.5, 0.5]), 1.0, 2)),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "用 (ŷ − y) 更新 / updates with (ŷ − y)",
                *_DESCENT,
                train_perceptron_with(
                    lambda w_hat, x_hat, y, eta: -ref.perceptron_delta(w_hat, x_hat, y, eta)
                ),
                _TRAIN_PERCEPTRON.replace(
                    "UPDATE", "w_hat - _ref.perceptron_delta(w_hat, x_hat, y_i, eta)"
                ),
            ),
            Misconception(
                "pm_one_form",
                _PM_ONE_FORM,
                *_ZERO_ONE_LABELS,
                train_perceptron_with(perceptron_delta_pm_one),
                _TRAIN_PERCEPTRON.replace("UPDATE", "w_hat + eta * y_i * x_hat"),
            ),
        ),
        mistake_pairs={
            ("wrong_sign", "pm_one_form"): train_perceptron_with(
                lambda w, x, y, eta: -perceptron_delta_pm_one(w, x, y, eta)
            ),
        },
        purity_arguments=_purity(lambda s: (s.X_hat, s.y, s.w_hat, 0.5, 10)),
    ),
)
