"""The public self-check cases: small, fixed, hand-picked, and public by design.

Each student function of course.yaml has a hint and a few argument tuples here; the
expected results are computed by the reference and shipped as ``public_cases.json`` in each
assignment folder, next to ``selfcheck.py``. The hidden graders use other cases.
"""

import json

import numpy as np

import source_impl as ref
from autograder.course import load_course

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
_W_HAT = np.array([1.0, -1.0, 0.5])
_X_HAT = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.5, 1.0], [2.0, 3.0, 1.0]])
_AND = (ref.augment([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 0, 0, 1]))


def _rng(seed):
    return {"rng_seed": seed}


# function: (hint, names of a tuple result, argument tuples)
CASES = {
    "augment": (
        "x̂ = (x; 1)：在每个样本末尾加 1 / append a 1 to each sample (a last column for a matrix).",
        None,
        [(np.array([2.0, -1.0]),), (np.array([[1.0, 2.0], [3.0, 4.0]]),)],
    ),
    "perceptron_predict": (
        "z ≥ 0 时 sgn(z) = 1，否则 0 / sgn(z) = 1 when z ≥ 0, else 0: an int for one sample, an int array for a matrix.",
        None,
        [(_W_HAT, np.array([2.0, 1.0, 1.0])), (_W_HAT, _X_HAT)],
    ),
    "distance_to_hyperplane": (
        "x₀ − x₁ 在单位法向量 w/‖w‖ 上的投影长度，x₁ 是 S 上任一点 / the length of the projection of x₀ − x₁ on the unit normal w/‖w‖, x₁ any point of S; ≥ 0.",
        None,
        [(np.array([3.0, 4.0]), -5.0, np.array([0.0, 0.0])), (np.array([1.0, -2.0]), 0.5, np.array([2.0, 1.0]))],
    ),
    "perceptron_loss": (
        "只对误分类点求和，每项非负 / sum over the misclassified points M only; every term is ≥ 0.",
        None,
        [(_W_HAT, _X_HAT, np.array([1, 0, 0, 1])), (_W_HAT, _X_HAT, np.array([0, 1, 1, 0]))],
    ),
    "perceptron_gradient": (
        "求导时 ŷ 与 M 视为常数 / hold ŷ and M fixed when differentiating each term of L(ŵ).",
        None,
        [(_W_HAT, _X_HAT, np.array([1, 0, 0, 1])), (_W_HAT, _X_HAT, np.array([0, 1, 1, 0]))],
    ),
    "perceptron_delta": (
        "标签取 0/1，因子是 (y − ŷ) / labels are 0/1 here, so the factor is (y − ŷ); η scales the whole step.",
        None,
        # y = 1 misclassified, y = 1 classified correctly (Δ = 0), y = 0 misclassified: with y = 0 the
        # {−1,+1} rule η y x̂ gives 0 and is told apart from (5.2)
        [(_W_HAT, np.array([0.0, 1.0, 1.0]), 1, 0.5), (_W_HAT, np.array([1.0, 0.0, 1.0]), 1, 0.5), (_W_HAT, np.array([2.0, 1.0, 1.0]), 0, 0.25)],
    ),
    "train_perceptron": (
        "按顺序遍历，只在出错时更新，一轮无错即停 / in order, update on mistakes only, stop after a pass without one.",
        ("w_hat", "mistakes_per_epoch"),
        [(*_AND, np.zeros(3), 0.5, 20), (*_AND, np.array([0.5, 0.5, 0.5]), 1.0, 2)],
    ),
    "sigmoid": (
        "用 e^{−|z|} 计算，±1000 也不溢出 / compute from e^{−|z|} so that ±1000 cannot overflow.",
        None,
        [(np.array([-2.0, 0.0, 3.0]),), (np.array([-1000.0, 1000.0]),), (0.5,)],
    ),
    "forward": (
        "阈值是减去的 / thresholds are subtracted: b = f(α − γ), ŷ = f(β − θ).",
        ("b", "y_hat"),
        [(_x, *_P), (np.array([-1.0, 2.0]), *_P1)],
    ),
    "squared_error": ("½ Σ_j (ŷ_j − y_j)²，返回 float / a float.", None, [(_y_hat, _y), (np.array([0.25]), np.array([1.0]))]),
    "dE_dyhat": ("对 ŷ_j 求 ½(ŷ_j − y_j)² 的导数 / differentiate ½(ŷ_j − y_j)² by ŷ_j.", None, [(_y_hat, _y)]),
    "dyhat_dbeta": ("(5.9)：f′ = f(1 − f)，用输出 ŷ 表示 / written from the output ŷ, not from β.", None, [(_y_hat,), (np.array([0.0, 1.0]),)]),
    "dyhat_dtheta": ("θ_j 在 f(β_j − θ_j) 中带负号 / θ_j enters f(β_j − θ_j) with a minus sign.", None, [(_y_hat,), (np.array([0.0, 1.0]),)]),
    "db_dalpha": ("(5.9) 用于隐层输出 b / (5.9) applied to the hidden output b.", None, [(_b,), (np.array([1.0, 0.5, 0.0]),)]),
    "db_dgamma": ("γ_h 在 f(α_h − γ_h) 中带负号 / γ_h enters f(α_h − γ_h) with a minus sign.", None, [(_b,), (np.array([1.0, 0.5, 0.0]),)]),
    "output_gradient": (
        "g 是负梯度 / g is a NEGATIVE gradient: −∂E_k/∂ŷ_j · ∂ŷ_j/∂β_j.",
        None,
        [(_y_hat, _y), (np.array([0.25]), np.array([1.0]))],
    ),
    "hidden_gradient": (
        "b_h 经过每个 β_j 影响 E_k，要对输出 j 求和；w 的形状是 (q, l) / b_h reaches E_k through every β_j: sum over the outputs j; w is (q, l).",
        None,
        [(_b, _P.w, _g), (_b, _P1.w, _g[:1])],
    ),
    "delta_w": ("(5.11)：外积，形状 (q, l) / an outer product of shape (q, l), scaled by η.", None, [(0.1, _g, _b), (0.5, _g[:1], _b)]),
    "delta_theta": ("阈值是减去的，注意符号 / thresholds are subtracted: mind the sign.", None, [(0.1, _g), (0.5, _g[:1])]),
    "delta_v": ("(5.13)：形状 (d, q)，元素 (i, h) / shape (d, q), entry (i, h) pairs x_i with e_h.", None, [(0.1, _e, _x), (0.5, _e, np.array([2.0]))]),
    "delta_gamma": ("与 Δθ 同理，用于隐层 / as Δθ, for the hidden layer.", None, [(0.1, _e), (0.5, _e[:1])]),
    "init_params": (
        "按 v, γ, w, θ 的顺序用 rng.random(shape) 抽取 / draw v, γ, w, θ in this order with rng.random(shape).",
        ("v", "gamma", "w", "theta"),
        [(2, 3, 1, _rng(7)), (1, 1, 2, _rng(11))],
    ),
    "bp_step": (
        "g 与 e 都用当前参数计算（e 用更新前的 w），返回新的 Params / use the CURRENT parameters for g and e "
        "(e uses w before its update), then return new Params.",
        ("v", "gamma", "w", "theta"),
        [(_x, _y, _P, 0.1), (np.array([-1.0, 2.0]), np.array([0.0]), _P1, 0.9)],
    ),
    "accumulated_error": ("(5.16)：E_k 的平均值，不是总和 / the MEAN of E_k over the samples, not the sum.", None, [(_X, _Y, _P1)]),
    "train_standard_bp": (
        "每个样本后都更新；每轮末记录 E (5.16) / update after every sample, in order; record E at the end of each epoch.",
        ("params", "history"),
        [(_X, _Y, _P1, 0.5, 3)],
    ),
    "train_accumulated_bp": (
        "每轮只更新一次：各样本 Δ 的平均，都在本轮起点的参数上计算 / one update per epoch: the mean of the "
        "per-sample Δ's, all at the epoch's starting parameters.",
        ("params", "history"),
        [(_X, _Y, _P1, 0.5, 3)],
    ),
}


def build(assignment_id, course=None):
    """The public_cases.json content of one assignment, expected results from the reference."""
    course = course or load_course()
    functions = {}
    for item in course.assignment(assignment_id).items:
        hint, names, cases = CASES[item.function]
        entry = {"hint": hint, "cases": [_case(item.reference, args) for args in cases]}
        entry["tolerance"] = _tolerance(item.tolerance)
        if names:
            entry["names"] = list(names)
        functions[item.function] = entry
    # The top-level tolerance is the course's default; the self-check of an older release reads only it.
    return {"assignment": assignment_id, "tolerance": _tolerance(course.tolerance), "functions": functions}


def _tolerance(tolerance):
    """course.yaml's tolerance in JSON: the self-check compares with the item's own, as the grader does."""
    return {"rtol": tolerance.rtol, "atol": tolerance.atol}


def dumps(content):
    return json.dumps(content, ensure_ascii=False, indent=1) + "\n"


def _case(reference, args):
    live = [np.random.default_rng(a["rng_seed"]) if isinstance(a, dict) else a for a in args]
    return {"args": [encode(a) for a in args], "expected": encode(reference(*live))}


def encode(value):
    """A JSON form of a case value that selfcheck.py decodes back to the same Python value."""
    if isinstance(value, np.ndarray):
        return {"array": value.ravel().tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, ref.Params):
        return {"params": {name: encode(part) for name, part in value._asdict().items()}}
    if isinstance(value, tuple):
        return {"tuple": [encode(part) for part in value]}
    if isinstance(value, list):
        return [encode(part) for part in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
