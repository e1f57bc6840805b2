"""The graded items of the back-propagation assignment, section 5.3, in course.yaml's order."""

from functools import partial
from types import SimpleNamespace

import numpy as np
from numpy.random import Generator

import source_impl as ref
from source_impl.arrays import Array, ArrayLike
from source_impl.batch import mean_deltas
from source_impl.network import Params

from .building import (
    ETA_HINT,
    data,
    elementwise,
    extreme_learning_rate,
    fresh,
    hidden_delta,
    learning_rate,
    network,
    output_delta,
    prediction_pair,
    saturating,
    size,
    training,
    training_watermelon,
    upstream,
)
from .record import Arguments, ItemRecord, Misconception

# --- the public self-check's values ----------------------------------------------------------

_P = ref.Params(
    v=np.array([[0.2, -0.4, 0.6], [0.8, 0.1, -0.3]]),
    gamma=np.array([0.1, -0.2, 0.3]),
    w=np.array([[0.5, -0.6], [0.7, 0.2], [-0.1, 0.4]]),
    theta=np.array([0.2, -0.1]),
)
_P1 = ref.Params(v=_P.v, gamma=_P.gamma, w=_P.w[:, :1], theta=_P.theta[:1])
_X = np.array([[0.5, 1.0], [1.0, -0.5], [-0.5, 0.25]])
_Y = np.array([[1.0], [0.0], [1.0]])
_x, _y = np.array([1.0, 0.5]), np.array([1.0, 0.0])
_b, _y_hat = ref.forward(_x, *_P)
_g = ref.output_gradient(_y_hat, _y)
_e = ref.hidden_gradient(_b, _P.w, _g)


def _rng(seed: int) -> dict[str, int]:
    """A public case's generator, as public_cases.json writes it."""
    return {"rng_seed": seed}


def _fixed_network() -> SimpleNamespace:
    """The purity test's values, built afresh: a 3-4-2 network, a sample (x, y), η, the reference's
    b, ŷ, g and e there, and a data set X (6, 3), Y (6, 2)."""
    rng = np.random.default_rng(0)
    x, y, params = network(rng, d=3, q=4, l=2)
    eta = learning_rate(rng)
    b, y_hat, g, e = upstream(x, y, params)
    rng = np.random.default_rng(1)
    X, Y = rng.uniform(-1, 1, (6, 3)), rng.uniform(0, 1, (6, 2))
    return SimpleNamespace(x=x, y=y, params=params, eta=eta, b=b, y_hat=y_hat, g=g, e=e, X=X, Y=Y)


_purity = partial(fresh, _fixed_network)

# --- hidden case generators of one item --------------------------------------------------


def _sigmoid_general(rng: Generator) -> Arguments:
    return (
        (float(rng.normal(0.0, 3.0)),)
        if rng.random() < 0.25
        else (rng.normal(0.0, 3.0, (size(rng), size(rng, 1, 2))),)
    )


def _sigmoid_saturated(rng: Generator) -> Arguments:
    return (saturating(rng, size(rng, 2, 6)),)


def _forward_case(rng: Generator, **shape: int) -> Arguments:
    x, _, params = network(rng, **shape)
    return (x, *params)


def _hidden_gradient_case(rng: Generator, q: int | None = None, l: int | None = None) -> Arguments:
    q = q or size(rng)
    l = l or (q if rng.random() < 0.5 else size(rng))  # square w half the time, where wᵀ fits too
    x, y, params = network(rng, q=q, l=l)
    b, _, g, _ = upstream(x, y, params)
    return b, params.w, g


def _init_params_case(rng: Generator, q: int | None = None) -> Arguments:
    return size(rng), q or size(rng), size(rng), np.random.default_rng(int(rng.integers(2**32)))


def _bp_step_case(rng: Generator, l: int | None = None, scale: float = 1.0) -> Arguments:
    x, y, params = network(rng, l=l, scale=scale)
    return x, y, params, learning_rate(rng)


# --- the wrong variants -----------------------------------------------------------------------


def _sigmoid_with_wrong_sign(z: ArrayLike) -> float | Array:
    return ref.sigmoid(-np.asarray(z, dtype=float))


def _forward_thresholds_added(
    x: ArrayLike, v: Array, gamma: Array, w: Array, theta: Array
) -> tuple[Array, Array]:
    b = ref.sigmoid(np.asarray(x, dtype=float) @ v + gamma)
    return b, ref.sigmoid(b @ w + theta)


def bp_step_variant(
    x: Array,
    y: ArrayLike,
    params: Params,
    eta: float,
    e_from_updated_w: bool = False,
    threshold_sign: float = 1.0,
) -> Params:
    """bp_step with e from the updated w, or with the thresholds' updates of the given sign (−1: the wrong one)."""
    b, y_hat = ref.forward(x, *params)
    g = ref.output_gradient(y_hat, y)
    w = params.w + ref.delta_w(eta, g, b)
    e = ref.hidden_gradient(b, w if e_from_updated_w else params.w, g)
    return Params(
        v=params.v + ref.delta_v(eta, e, x),
        gamma=params.gamma + threshold_sign * ref.delta_gamma(eta, e),
        w=w,
        theta=params.theta + threshold_sign * ref.delta_theta(eta, g),
    )


def _init_params_drawn_v_w_gamma_theta(d: int, q: int, l: int, rng: Generator) -> Params:
    v, w = rng.random((d, q)), rng.random((q, l))
    return Params(v=v, gamma=rng.random(q), w=w, theta=rng.random(l))


def _train_standard_bp_threshold_signs(
    X: ArrayLike, Y: ArrayLike, params0: Params, eta: float, epochs: int
) -> tuple[Params, Array]:
    X, Y, params = np.asarray(X, dtype=float), np.asarray(Y, dtype=float), Params(*params0)
    history = np.empty(epochs)
    for t in range(epochs):
        for x, y in zip(X, Y):
            params = bp_step_variant(x, y, params, eta, threshold_sign=-1.0)
        history[t] = ref.accumulated_error(X, Y, params)
    return params, history


def _train_accumulated_summing(
    X: Array, Y: Array, params0: Params, eta: float, epochs: int
) -> tuple[Params, Array]:
    """Accumulated BP with the sum of the per-sample Δ's: the mean's step times m."""
    return ref.train_accumulated_bp(X, Y, params0, eta * len(X), epochs)


def _db(b: ArrayLike) -> Array:
    """b(1 − b), the sigmoid's derivative from its output (5.9)."""
    return np.asarray(b) * (1 - np.asarray(b))


def _accumulated_with_threshold_signs(
    X: ArrayLike, Y: ArrayLike, params0: Params, eta: float, epochs: int
) -> tuple[Params, Array]:
    """Accumulated BP with the thresholds' updates of the wrong sign."""
    params, history = Params(*params0), np.empty(epochs)
    for t in range(epochs):
        v, gamma, w, theta = mean_deltas(np.asarray(X), np.asarray(Y), params, eta)
        params = Params(params.v + v, params.gamma - gamma, params.w + w, params.theta - theta)
        history[t] = ref.accumulated_error(X, Y, params)
    return params, history


# Hints shared by several items: (Chinese, English).
_THRESHOLD_SIGN = (
    "阈值在 f(· − θ) 中是减去的：再推一次对阈值求导的符号",
    "the threshold is SUBTRACTED inside f(· − θ): derive the sign of the threshold's derivative again",
)
_NEGATIVE_GRADIENT = (
    "g 和 e 是负梯度，Δ = −η × 偏导数：检查符号",
    "g and e are NEGATIVE gradients and Δ = −η × a partial derivative: check the sign",
)
_CHAIN_OUTPUT = ("链式法则还要经过 ∂ŷ_j/∂β_j", "the chain rule also goes through ∂ŷ_j/∂β_j")
_CHAIN_HIDDEN = ("链式法则还要经过 ∂b_h/∂α_h", "the chain rule also goes through ∂b_h/∂α_h")
_F_FROM_OUTPUT = (
    "(5.9) 用输出 f 表示 f′：参数已经是 f 的值",
    "(5.9) writes f′ from the output f: the argument already is f's value",
)
_THRESHOLD_SIGNS = "阈值更新的符号反了 / thresholds updated with the wrong sign"

# A student's bp_step; W is the w that e is computed with, SIGN the thresholds' update sign.
_BP_STEP = """
def bp_step(x, y, params, eta):
    b, y_hat = _ref.forward(x, *params)
    g = y_hat * (1 - y_hat) * (y - y_hat)
    w = params.w + eta * np.outer(b, g)
    e = b * (1 - b) * (W @ g)
    return _ref.Params(params.v + eta * np.outer(x, e), params.gamma SIGN eta * e, w, params.theta SIGN eta * g)
"""

ITEMS = (
    ItemRecord(
        id="sigmoid",
        generators={"general": _sigmoid_general, "saturated": _sigmoid_saturated},
        hint="用 e^{−|z|} 计算，±1000 也不溢出 / compute from e^{−|z|} so that ±1000 cannot overflow.",
        result_names=None,
        public_cases=((np.array([-2.0, 0.0, 3.0]),), (np.array([-1000.0, 1000.0]),), (0.5,)),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "写成了 1/(1 + e^{z}) / 1/(1 + e^{z})",
                "f(0) = 0.5；z 很大时 f(z) 应接近几？",
                "f(0) = 0.5: what should f(z) approach as z grows?",
                _sigmoid_with_wrong_sign,
                """
def sigmoid(z):
    f = 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))
    return float(f) if f.ndim == 0 else f
""",
            ),
        ),
        purity_arguments=lambda: (np.array([-1000.0, 0.0, 3.0]),),
    ),
    ItemRecord(
        id="forward",
        generators={
            "general": _forward_case,
            "single_output": lambda rng: _forward_case(rng, l=1),
            "single_unit": lambda rng: _forward_case(rng, q=1),
        },
        hint="(5.3) 与图 5.7：阈值是减去的；返回 (b, ŷ)，形状 (q,) 与 (l,) / (5.3) and Fig. 5.7: thresholds are subtracted; return (b, ŷ), of shapes (q,) and (l,).",
        result_names=("b", "y_hat"),
        public_cases=((_x, *_P), (np.array([-1.0, 2.0]), *_P1)),
        misconceptions=(
            Misconception(
                "thresholds_added",
                "阈值被加上：f(α + γ) / thresholds added, f(α + γ)",
                *_THRESHOLD_SIGN,
                _forward_thresholds_added,
                """
def forward(x, v, gamma, w, theta):
    b = _ref.sigmoid(x @ v + gamma)
    return b, _ref.sigmoid(b @ w + theta)
""",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.x, *n.params)),
    ),
    ItemRecord(
        id="squared_error",
        generators={
            "general": prediction_pair,
            "single_output": lambda rng: prediction_pair(rng, l=1),
        },
        hint="(5.4)：对输出 j 求和，返回 float / (5.4): a sum over the outputs j, returned as a float.",
        result_names=None,
        public_cases=((_y_hat, _y), (np.array([0.25]), np.array([1.0]))),
        misconceptions=(
            Misconception(
                "missing_half",
                "漏了 ½ / the ½ left out",
                "(5.4) 前面有一个系数",
                "(5.4) has a constant factor in front",
                lambda y_hat, y: 2.0 * ref.squared_error(y_hat, y),
                """
def squared_error(y_hat, y):
    return float(np.sum((y_hat - y) ** 2))
""",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.y_hat, n.y)),
    ),
    ItemRecord(
        id="dE_dyhat",
        generators={
            "general": prediction_pair,
            "single_output": lambda rng: prediction_pair(rng, l=1),
        },
        hint="(5.4)：E_k 对 ŷ_j 的偏导数本身，形状与 ŷ 相同 / (5.4): the partial derivative of E_k by ŷ_j itself, of the shape of ŷ.",
        result_names=None,
        public_cases=((_y_hat, _y),),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "ŷ − y 写成了 y − ŷ / y − ŷ for ŷ − y",
                "这里求的是 E_k 的偏导数本身，不是负梯度",
                "this is the partial derivative of E_k itself, not its negative",
                lambda y_hat, y: -ref.dE_dyhat(y_hat, y),
                "def dE_dyhat(y_hat, y):\n    return y - y_hat\n",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.y_hat, n.y)),
    ),
    ItemRecord(
        id="dyhat_dbeta",
        generators={
            "general": elementwise,
            "saturated": lambda rng: elementwise(rng, saturated=True),
        },
        hint="(5.9)：f′ 用输出 ŷ 表示，参数已是 f 的值，不是 β / (5.9): f′ written from the output ŷ: the argument already is f's value, not β.",
        result_names=None,
        public_cases=((_y_hat,), (np.array([0.0, 1.0]),)),
        misconceptions=(
            Misconception(
                "derivative_at_output",
                "把 ŷ 当作激活前的值求 f′ / f′ evaluated at ŷ as if ŷ were the pre-activation",
                *_F_FROM_OUTPUT,
                lambda y_hat: ref.dyhat_dbeta(ref.sigmoid(y_hat)),
                "def dyhat_dbeta(y_hat):\n    f = _ref.sigmoid(y_hat)\n    return f * (1 - f)\n",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.y_hat,)),
    ),
    ItemRecord(
        id="dyhat_dtheta",
        generators={
            "general": elementwise,
            "saturated": lambda rng: elementwise(rng, saturated=True),
        },
        hint="θ_j 在 f(β_j − θ_j) 中带负号 / θ_j enters f(β_j − θ_j) with a minus sign.",
        result_names=None,
        public_cases=((_y_hat,), (np.array([0.0, 1.0]),)),
        misconceptions=(
            Misconception(
                "missing_minus",
                "漏了 −θ 的负号 / the minus sign of −θ left out",
                *_THRESHOLD_SIGN,
                ref.dyhat_dbeta,
                "def dyhat_dtheta(y_hat):\n    return y_hat * (1 - y_hat)\n",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.y_hat,)),
    ),
    ItemRecord(
        id="db_dalpha",
        generators={
            "general": elementwise,
            "saturated": lambda rng: elementwise(rng, saturated=True),
        },
        hint="b = f(α − γ)：∂b_h/∂α_h 的求法与 ∂ŷ_j/∂β_j 相同，参数是输出 b / b = f(α − γ): ∂b_h/∂α_h is found as ∂ŷ_j/∂β_j was, from the output b.",
        result_names=None,
        public_cases=((_b,), (np.array([1.0, 0.5, 0.0]),)),
        misconceptions=(
            Misconception(
                "derivative_at_output",
                "把 b 当作激活前的值求 f′ / f′ evaluated at b as if b were the pre-activation",
                *_F_FROM_OUTPUT,
                lambda b: ref.db_dalpha(ref.sigmoid(b)),
                "def db_dalpha(b):\n    f = _ref.sigmoid(b)\n    return f * (1 - f)\n",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.b,)),
    ),
    ItemRecord(
        id="db_dgamma",
        generators={
            "general": elementwise,
            "saturated": lambda rng: elementwise(rng, saturated=True),
        },
        hint="γ_h 在 f(α_h − γ_h) 中带负号 / γ_h enters f(α_h − γ_h) with a minus sign.",
        result_names=None,
        public_cases=((_b,), (np.array([1.0, 0.5, 0.0]),)),
        misconceptions=(
            Misconception(
                "missing_minus",
                "漏了 −γ 的负号 / the minus sign of −γ left out",
                *_THRESHOLD_SIGN,
                ref.db_dalpha,
                "def db_dgamma(b):\n    return b * (1 - b)\n",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.b,)),
    ),
    ItemRecord(
        id="output_gradient",
        generators={
            "general": prediction_pair,
            "single_output": lambda rng: prediction_pair(rng, l=1),
            "saturated": lambda rng: prediction_pair(rng, saturated=True),
        },
        hint="(5.10)：g 是负梯度，由链式法则的两个因子组成 / (5.10): g is a NEGATIVE gradient, made of two factors of the chain rule.",
        result_names=None,
        public_cases=((_y_hat, _y), (np.array([0.25]), np.array([1.0]))),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "y − ŷ 写成了 ŷ − y / ŷ − y for y − ŷ",
                *_NEGATIVE_GRADIENT,
                lambda y_hat, y: -ref.output_gradient(y_hat, y),
                "def output_gradient(y_hat, y):\n    return y_hat * (1 - y_hat) * (y_hat - y)\n",
            ),
            Misconception(
                "missing_sigmoid_derivative",
                "缺少 ŷ(1 − ŷ) / no ŷ(1 − ŷ)",
                *_CHAIN_OUTPUT,
                lambda y_hat, y: -ref.dE_dyhat(y_hat, y),
                "def output_gradient(y_hat, y):\n    return y - y_hat\n",
            ),
        ),
        mistake_pairs={
            ("wrong_sign", "missing_sigmoid_derivative"): lambda y_hat, y: ref.dE_dyhat(y_hat, y),
        },
        purity_arguments=_purity(lambda n: (n.y_hat, n.y)),
    ),
    ItemRecord(
        id="hidden_gradient",
        generators={
            "general": _hidden_gradient_case,
            "single_output": lambda rng: _hidden_gradient_case(rng, l=1),
            "single_unit": lambda rng: _hidden_gradient_case(rng, q=1),
        },
        hint="(5.15)：b_h 经过每个 β_j 影响 E_k，要对输出 j 求和；w 的形状是 (q, l) / (5.15): b_h reaches E_k through every β_j: sum over the outputs j; w is (q, l).",
        result_names=None,
        public_cases=((_b, _P.w, _g), (_b, _P1.w, _g[:1])),
        misconceptions=(
            Misconception(
                "missing_sigmoid_derivative",
                "缺少 b(1 − b) / no b(1 − b)",
                *_CHAIN_HIDDEN,
                lambda b, w, g: np.asarray(w, dtype=float) @ g,
                "def hidden_gradient(b, w, g):\n    return w @ g\n",
            ),
            Misconception(
                "w_transposed",
                "w 转置了：对错误的下标求和 / w transposed: summed over the wrong index",
                "w_hj 连接隐层 h 与输出 j：对哪个下标求和？",
                "w_hj joins hidden unit h to output j: which index is summed over?",
                lambda b, w, g: ref.db_dalpha(b) * (np.asarray(w, dtype=float).T @ g),
                "def hidden_gradient(b, w, g):\n    return b * (1 - b) * (w.T @ g)\n",
            ),
            Misconception(
                "no_sum_over_j",
                "没有对输出 j 求和 / no sum over the outputs j",
                "每个隐层单元影响所有输出 j",
                "each hidden unit feeds every output j",
                lambda b, w, g: ref.db_dalpha(b)[:, None] * np.asarray(w, dtype=float) * g,
                "def hidden_gradient(b, w, g):\n    return (b * (1 - b))[:, None] * w * g\n",
            ),
            Misconception(
                "wrong_sign",
                "e 的符号反了 / the sign of e flipped",
                *_NEGATIVE_GRADIENT,
                lambda b, w, g: -ref.hidden_gradient(b, w, g),
                "def hidden_gradient(b, w, g):\n    return -b * (1 - b) * (w @ g)\n",
            ),
        ),
        mistake_pairs={
            ("missing_sigmoid_derivative", "w_transposed"): lambda b, w, g: np.asarray(w).T @ g,
            ("missing_sigmoid_derivative", "no_sum_over_j"): lambda b, w, g: np.asarray(w) * g,
            ("missing_sigmoid_derivative", "wrong_sign"): lambda b, w, g: -(np.asarray(w) @ g),
            ("w_transposed", "no_sum_over_j"): "both are the sum over j",
            ("w_transposed", "wrong_sign"): lambda b, w, g: -_db(b) * (np.asarray(w).T @ g),
            ("no_sum_over_j", "wrong_sign"): lambda b, w, g: -_db(b)[:, None] * np.asarray(w) * g,
        },
        purity_arguments=_purity(lambda n: (n.b, n.params.w, n.g)),
    ),
    ItemRecord(
        id="delta_w",
        generators={
            "general": output_delta,
            "single_output": lambda rng: output_delta(rng, l=1),
            "eta_extremes": lambda rng: output_delta(rng, eta=extreme_learning_rate(rng)),
        },
        hint="(5.11)：形状 (q, l)，元素 (h, j) 属于连接 w_hj / (5.11): shape (q, l); entry (h, j) belongs to the connection w_hj.",
        result_names=None,
        public_cases=((0.1, _g, _b), (0.5, _g[:1], _b)),
        misconceptions=(
            Misconception(
                "missing_eta",
                "漏了 η / η left out",
                *ETA_HINT,
                lambda eta, g, b: ref.delta_w(1.0, g, b),
                "def delta_w(eta, g, b):\n    return np.outer(b, g)\n",
            ),
            Misconception(
                "wrong_sign",
                "写成了 −η g b / −η g b",
                *_NEGATIVE_GRADIENT,
                lambda eta, g, b: -ref.delta_w(eta, g, b),
                "def delta_w(eta, g, b):\n    return -eta * np.outer(b, g)\n",
            ),
            Misconception(
                "transposed",
                "形状是 (l, q) 而不是 (q, l) / shape (l, q) instead of (q, l)",
                "w 的元素 (h, j) 连接隐层 h 与输出 j",
                "entry (h, j) of w joins hidden unit h to output j",
                lambda eta, g, b: ref.delta_w(eta, g, b).T,
                "def delta_w(eta, g, b):\n    return eta * np.outer(g, b)\n",
            ),
        ),
        mistake_pairs={
            ("missing_eta", "wrong_sign"): lambda eta, g, b: -np.outer(b, g),
            ("missing_eta", "transposed"): lambda eta, g, b: np.outer(g, b),
            ("wrong_sign", "transposed"): lambda eta, g, b: -eta * np.outer(g, b),
        },
        purity_arguments=_purity(lambda n: (n.eta, n.g, n.b)),
    ),
    ItemRecord(
        id="delta_theta",
        generators={
            "general": lambda rng: output_delta(rng)[:2],
            "single_output": lambda rng: output_delta(rng, l=1)[:2],
            "eta_extremes": lambda rng: output_delta(rng, eta=extreme_learning_rate(rng))[:2],
        },
        hint="(5.12)：阈值是减去的，注意符号 / (5.12): thresholds are subtracted: mind the sign.",
        result_names=None,
        public_cases=((0.1, _g), (0.5, _g[:1])),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "+η g：把阈值当成了加上的 / +η g: threshold treated as added",
                *_THRESHOLD_SIGN,
                lambda eta, g: -ref.delta_theta(eta, g),
                "def delta_theta(eta, g):\n    return eta * g\n",
            ),
            Misconception(
                "missing_eta",
                "漏了 η / η left out",
                *ETA_HINT,
                lambda eta, g: ref.delta_theta(1.0, g),
                "def delta_theta(eta, g):\n    return -g\n",
            ),
        ),
        mistake_pairs={
            ("wrong_sign", "missing_eta"): lambda eta, g: np.asarray(g, dtype=float),
        },
        purity_arguments=_purity(lambda n: (n.eta, n.g)),
    ),
    ItemRecord(
        id="delta_v",
        generators={
            "general": hidden_delta,
            "single_input": lambda rng: hidden_delta(rng, d=1),
            "eta_extremes": lambda rng: hidden_delta(rng, eta=extreme_learning_rate(rng)),
        },
        hint="(5.13)：形状 (d, q)，元素 (i, h) 属于连接 v_ih / (5.13): shape (d, q); entry (i, h) belongs to the connection v_ih.",
        result_names=None,
        public_cases=((0.1, _e, _x), (0.5, _e, np.array([2.0]))),
        misconceptions=(
            Misconception(
                "missing_eta",
                "漏了 η / η left out",
                *ETA_HINT,
                lambda eta, e, x: ref.delta_v(1.0, e, x),
                "def delta_v(eta, e, x):\n    return np.outer(x, e)\n",
            ),
            Misconception(
                "wrong_sign",
                "写成了 −η e x / −η e x",
                *_NEGATIVE_GRADIENT,
                lambda eta, e, x: -ref.delta_v(eta, e, x),
                "def delta_v(eta, e, x):\n    return -eta * np.outer(x, e)\n",
            ),
            Misconception(
                "transposed",
                "形状是 (q, d) 而不是 (d, q) / shape (q, d) instead of (d, q)",
                "v 的元素 (i, h) 连接输入 i 与隐层 h",
                "entry (i, h) of v joins input i to hidden unit h",
                lambda eta, e, x: ref.delta_v(eta, e, x).T,
                "def delta_v(eta, e, x):\n    return eta * np.outer(e, x)\n",
            ),
        ),
        mistake_pairs={
            ("missing_eta", "wrong_sign"): lambda eta, e, x: -np.outer(x, e),
            ("missing_eta", "transposed"): lambda eta, e, x: np.outer(e, x),
            ("wrong_sign", "transposed"): lambda eta, e, x: -eta * np.outer(e, x),
        },
        purity_arguments=_purity(lambda n: (n.eta, n.e, n.x)),
    ),
    ItemRecord(
        id="delta_gamma",
        generators={
            "general": lambda rng: hidden_delta(rng)[:2],
            "single_unit": lambda rng: hidden_delta(rng, q=1)[:2],
            "eta_extremes": lambda rng: hidden_delta(rng, eta=extreme_learning_rate(rng))[:2],
        },
        hint="(5.14)：与 Δθ 同理，用于隐层；阈值是减去的 / (5.14): as Δθ, for the hidden layer; thresholds are subtracted.",
        result_names=None,
        public_cases=((0.1, _e), (0.5, _e[:1])),
        misconceptions=(
            Misconception(
                "wrong_sign",
                "+η e：把阈值当成了加上的 / +η e: threshold treated as added",
                *_THRESHOLD_SIGN,
                lambda eta, e: -ref.delta_gamma(eta, e),
                "def delta_gamma(eta, e):\n    return eta * e\n",
            ),
            Misconception(
                "missing_eta",
                "漏了 η / η left out",
                *ETA_HINT,
                lambda eta, e: ref.delta_gamma(1.0, e),
                "def delta_gamma(eta, e):\n    return -e\n",
            ),
        ),
        mistake_pairs={
            ("wrong_sign", "missing_eta"): lambda eta, e: np.asarray(e, dtype=float),
        },
        purity_arguments=_purity(lambda n: (n.eta, n.e)),
    ),
    ItemRecord(
        id="init_params",
        generators={
            "general": _init_params_case,
            "single_unit": lambda rng: _init_params_case(rng, q=1),
        },
        hint="按 v, γ, w, θ 的顺序用 rng.random(shape) 抽取 / draw v, γ, w, θ in this order with rng.random(shape).",
        result_names=("v", "gamma", "w", "theta"),
        public_cases=((2, 3, 1, _rng(7)), (1, 1, 2, _rng(11))),
        misconceptions=(
            Misconception(
                "draw_order",
                "按 v, w, γ, θ 的顺序抽取 / drawn in the order v, w, γ, θ",
                "同一个种子要得到同一个网络：抽取顺序见文档",
                "a seed must always give the same network: see the docstring for the order of the draws",
                _init_params_drawn_v_w_gamma_theta,
                """
def init_params(d, q, l, rng):
    v = rng.random((d, q))
    w = rng.random((q, l))
    return _ref.Params(v, rng.random(q), w, rng.random(l))
""",
            ),
        ),
        purity_arguments=lambda: (3, 4, 2, np.random.default_rng(3)),
    ),
    ItemRecord(
        id="bp_step",
        generators={
            "general": _bp_step_case,
            "single_output": lambda rng: _bp_step_case(rng, l=1),
            "saturated": lambda rng: _bp_step_case(rng, scale=60.0),
        },
        hint="图 5.8：g 与 e 都用当前参数计算（e 用更新前的 w），返回新的 Params / Fig. 5.8: use the CURRENT "
        "parameters for g and e (e uses w before its update), then return new Params.",
        result_names=("v", "gamma", "w", "theta"),
        public_cases=((_x, _y, _P, 0.1), (np.array([-1.0, 2.0]), np.array([0.0]), _P1, 0.9)),
        misconceptions=(
            Misconception(
                "e_from_updated_w",
                "用已更新的 w 计算 e / e computed with w already updated",
                "图 5.8：g 和 e 用哪一时刻的参数计算？",
                "Fig. 5.8: g and e are computed with the parameters of which moment?",
                lambda x, y, params, eta: bp_step_variant(x, y, params, eta, e_from_updated_w=True),
                _BP_STEP.replace("W @ g", "w @ g").replace("SIGN", "-"),
            ),
            Misconception(
                "threshold_signs",
                _THRESHOLD_SIGNS,
                *_THRESHOLD_SIGN,
                lambda x, y, params, eta: bp_step_variant(x, y, params, eta, threshold_sign=-1.0),
                _BP_STEP.replace("W @ g", "params.w @ g").replace("SIGN", "+"),
            ),
        ),
        mistake_pairs={
            ("e_from_updated_w", "threshold_signs"): lambda x, y, params, eta: bp_step_variant(
                x, y, params, eta, e_from_updated_w=True, threshold_sign=-1.0
            ),
        },
        purity_arguments=_purity(lambda n: (n.x, n.y, n.params, n.eta)),
    ),
    ItemRecord(
        id="accumulated_error",
        generators={"general": lambda rng: data(rng), "single_sample": lambda rng: data(rng, m=1)},
        hint="(5.16)：注意其中的系数；返回 float / (5.16): mind its factor; return a float.",
        result_names=None,
        public_cases=((_X, _Y, _P1),),
        misconceptions=(
            Misconception(
                "sum_not_mean",
                "求和而不是求平均 / summed instead of averaged",
                "再读一遍 (5.16)：1/m 起什么作用？",
                "read (5.16) again: what does the 1/m do?",
                lambda X, Y, params: len(X) * ref.accumulated_error(X, Y, params),
                """
def accumulated_error(X, Y, params):
    return float(sum(_ref.squared_error(_ref.forward(x, *params)[1], y) for x, y in zip(X, Y)))
""",
            ),
        ),
        purity_arguments=_purity(lambda n: (n.X, n.Y, n.params)),
    ),
    ItemRecord(
        id="train_standard_bp",
        generators={"general": training, "watermelon": training_watermelon},
        hint="图 5.8：按顺序每个样本后都更新；每轮末记录 E (5.16) / Fig. 5.8: update after every sample, in order; record E (5.16) at the end of each epoch.",
        result_names=("params", "history"),
        public_cases=((_X, _Y, _P1, 0.5, 3),),
        misconceptions=(
            Misconception(
                "threshold_signs",
                _THRESHOLD_SIGNS,
                *_THRESHOLD_SIGN,
                _train_standard_bp_threshold_signs,
                """
def train_standard_bp(X, Y, params0, eta, epochs):
    params, history = params0, []
    for _ in range(epochs):
        for x, y in zip(X, Y):
            b, y_hat = _ref.forward(x, *params)
            g = _ref.output_gradient(y_hat, y)
            e = _ref.hidden_gradient(b, params.w, g)
            params = _ref.Params(params.v + eta * np.outer(x, e), params.gamma + eta * e, params.w + eta * np.outer(b, g), params.theta + eta * g)
        history.append(_ref.accumulated_error(X, Y, params))
    return params, np.array(history)
""",
            ),
            Misconception(
                "accumulated_instead",
                "每轮更新一次而不是每个样本更新一次 / one update per epoch instead of one per sample",
                "标准 BP 多久更新一次参数？",
                "how often does standard BP update the parameters?",
                ref.train_accumulated_bp,
                """
def train_standard_bp(X, Y, params0, eta, epochs):
    return _ref.train_accumulated_bp(X, Y, params0, eta, epochs)
""",
            ),
        ),
        mistake_pairs={
            ("threshold_signs", "accumulated_instead"): _accumulated_with_threshold_signs,
        },
        purity_arguments=_purity(lambda n: (n.X, n.Y, n.params, n.eta, 3)),
    ),
    ItemRecord(
        id="train_accumulated_bp",
        generators={"general": training, "watermelon": training_watermelon},
        hint="(5.16)：每轮只更新一次，所有 Δ 都在本轮起点的参数上计算；每轮末记录 E / (5.16): one update "
        "per epoch, every Δ computed at the epoch's starting parameters; record E at the end of each epoch.",
        result_names=("params", "history"),
        public_cases=((_X, _Y, _P1, 0.5, 3),),
        misconceptions=(
            Misconception(
                "sum_not_mean",
                "Δ 求和而不是求平均（相当于 η 乘以 m） / the Δ's summed instead of averaged (η times m)",
                "累积 BP 最小化的是 (5.16)：其中的 1/m 到哪里去了？",
                "accumulated BP minimises (5.16): where did its 1/m go?",
                _train_accumulated_summing,
                """
def train_accumulated_bp(X, Y, params0, eta, epochs):
    params, history = _ref.Params(*params0), []
    for _ in range(epochs):
        step = [np.zeros_like(p) for p in params]
        for x, y in zip(X, Y):
            b, y_hat = _ref.forward(x, *params)
            g = _ref.output_gradient(y_hat, y)
            e = _ref.hidden_gradient(b, params.w, g)
            for total, delta in zip(step, (eta * np.outer(x, e), -eta * e, eta * np.outer(b, g), -eta * g)):
                total += delta
        params = _ref.Params(*(p + s for p, s in zip(params, step)))
        history.append(_ref.accumulated_error(X, Y, params))
    return params, np.array(history)
""",
            ),
            Misconception(
                "updates_inside_pass",
                "每个样本后都更新（标准 BP） / updated after every sample (standard BP)",
                "累积 BP 每一轮更新几次？Δ 在哪一时刻的参数上计算？",
                "how many updates does accumulated BP make per epoch, and at which parameters are the Δ's computed?",
                ref.train_standard_bp,
                """
def train_accumulated_bp(X, Y, params0, eta, epochs):
    return _ref.train_standard_bp(X, Y, params0, eta, epochs)
""",
            ),
        ),
        mistake_pairs={
            ("sum_not_mean", "updates_inside_pass"): lambda X, Y, p, eta, epochs: (
                ref.train_standard_bp(X, Y, p, eta * len(X), epochs)
            ),
        },
        purity_arguments=_purity(lambda n: (n.X, n.Y, n.params, n.eta, 3)),
    ),
)
