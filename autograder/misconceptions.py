"""The catalog of known wrong variants, per item, from the spec's list of student mistakes.

Each ``Misconception`` is a function with the item's signature that makes exactly one
known mistake, a name and a hint, both in Chinese then English (the hint points at the mistake
without giving the answer). The grader names a misconception when the student's outputs
match its variant on every case (and not the reference's). A variant that raises on a
case matches a student whose function raised there too.

The variants also decide which hidden cases are scored: only those that tell every variant of
the item from the reference. A recognised misconception scores the larger of its passed share
(0, since it fails every scored case) and course.yaml's ``misconception_credit`` for it.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

import source_impl as ref
from source_impl.network import Params


@dataclass(frozen=True)
class Misconception:
    id: str
    name: str
    hint_zh: str
    hint_en: str
    variant: Callable

    @property
    def hint(self):
        return f"{self.hint_zh} / {self.hint_en}"


def _sigmoid_with_wrong_sign(z):
    return ref.sigmoid(-np.asarray(z, dtype=float))


def _all_points(w_hat, X_hat, y):
    """The factor 1 − 2yᵢ, which is ŷᵢ − yᵢ on M, and x̂ᵢ, taken for EVERY point instead of M's."""
    return 1.0 - 2.0 * np.asarray(y, dtype=float), np.asarray(X_hat, dtype=float)


def _loss_over_all_points(w_hat, X_hat, y):
    errors, X_hat = _all_points(w_hat, X_hat, y)
    return float(np.sum(errors * (X_hat @ w_hat)))


def _gradient_over_all_points(w_hat, X_hat, y):
    errors, X_hat = _all_points(w_hat, X_hat, y)
    return errors @ X_hat


def _perceptron_delta_pm_one(w_hat, x_hat, y, eta):
    """The {−1,+1} rule Δŵ = η y x̂ on a mistake, applied to 0/1 labels."""
    return eta * y * np.asarray(x_hat, dtype=float) * (ref.perceptron_predict(w_hat, x_hat) != y)


def _train_perceptron_with(delta):
    def train(X_hat, y, w_hat0, eta, max_epochs):
        w_hat, mistakes_per_epoch = np.array(w_hat0, dtype=float), []
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


def _predict_strict(w_hat, X_hat):
    z = np.asarray(X_hat, dtype=float) @ np.asarray(w_hat, dtype=float)
    return int(z > 0) if np.ndim(z) == 0 else (z > 0).astype(int)


def _forward_thresholds_added(x, v, gamma, w, theta):
    b = ref.sigmoid(np.asarray(x, dtype=float) @ v + gamma)
    return b, ref.sigmoid(b @ w + theta)


def _bp_step(x, y, params, eta, e_from_updated_w=False, threshold_sign=1.0):
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


def _train_accumulated_summing(X, Y, params0, eta, epochs):
    """Accumulated BP with the sum of the per-sample Δ's: the mean's step times m."""
    return ref.train_accumulated_bp(X, Y, params0, eta * len(X), epochs)


def _train_standard_bp_threshold_signs(X, Y, params0, eta, epochs):
    X, Y, params = np.asarray(X, dtype=float), np.asarray(Y, dtype=float), Params(*params0)
    history = np.empty(epochs)
    for t in range(epochs):
        for x, y in zip(X, Y):
            params = _bp_step(x, y, params, eta, threshold_sign=-1.0)
        history[t] = ref.accumulated_error(X, Y, params)
    return params, history


def _init_params_drawn_v_w_gamma_theta(d, q, l, rng):
    v, w = rng.random((d, q)), rng.random((q, l))
    return Params(v=v, gamma=rng.random(q), w=w, theta=rng.random(l))


# Hints shared by several items: (Chinese, English).
_THRESHOLD_SIGN = ("阈值在 f(· − θ) 中是减去的：再推一次对阈值求导的符号", "the threshold is SUBTRACTED inside f(· − θ): derive the sign of the threshold's derivative again")
_ETA = ("学习率 η 出现在 Δ 的哪里？", "where does the learning rate η enter the Δ?")
_NEGATIVE_GRADIENT = ("g 和 e 是负梯度，Δ = −η × 偏导数：检查符号", "g and e are NEGATIVE gradients and Δ = −η × a partial derivative: check the sign")
_DESCENT = ("更新沿负梯度方向 −∇L", "the update goes along the NEGATIVE gradient −∇L")
_ZERO_ONE_LABELS = ("本课程的标签是 0/1，不是 ±1：哪个因子起 y 的作用？", "the labels here are 0/1, not ±1: which factor plays the role of y?")
_CHAIN_OUTPUT = ("链式法则还要经过 ∂ŷ_j/∂β_j", "the chain rule also goes through ∂ŷ_j/∂β_j")
_CHAIN_HIDDEN = ("链式法则还要经过 ∂b_h/∂α_h", "the chain rule also goes through ∂b_h/∂α_h")
_F_FROM_OUTPUT = ("(5.9) 用输出 f 表示 f′：参数已经是 f 的值", "(5.9) writes f′ from the output f: the argument already is f's value")

CATALOG = {
    "augment": (
        Misconception("one_first", "常数 1 放在了前面 / 1 prepended instead of appended", "x̂ = (x; 1)：常数 1 放在哪里？", "x̂ = (x; 1): where does the constant 1 go?",
                      lambda X: ref.augment(X)[..., np.r_[-1, 0 : np.shape(X)[-1]]]),
    ),
    "perceptron_predict": (
        Misconception("strict_step", "把 sgn(0) 当成 0 / sgn(0) taken as 0", "恰好在超平面上的点 (z = 0) 预测为几？", "what does the step give for a point exactly on the hyperplane (z = 0)?",
                      _predict_strict),
    ),
    "distance_to_hyperplane": (
        Misconception("no_norm", "没有除以 ‖w‖ / not divided by ‖w‖", "距离与 w 的长度无关吗？", "would the distance change if w were scaled by 2?",
                      lambda w, b, x0: float(abs(np.dot(w, x0) + b))),
        Misconception("squared_norm", "除以了 ‖w‖² / divided by ‖w‖²", "检查除数的量纲", "check the units of the divisor", lambda w, b, x0: float(abs(np.dot(w, x0) + b) / np.dot(w, w))),
    ),
    "perceptron_loss": (
        Misconception("over_all_points", "对所有点求和而不是只对 M / summed over all points, not over M", "损失对哪些点求和？", "which points does the loss sum over?", _loss_over_all_points),
        Misconception("wrong_sign", "把 (ŷ − y) 写成了 (y − ŷ)：损失 ≤ 0 / (y − ŷ) for (ŷ − y): the loss is ≤ 0", "感知机损失的每一项都应 ≥ 0", "every term of the perceptron loss is ≥ 0",
                      lambda w_hat, X_hat, y: -ref.perceptron_loss(w_hat, X_hat, y)),
    ),
    "perceptron_gradient": (
        Misconception("over_all_points", "对所有点求和而不是只对 M / summed over all points, not over M", "梯度对哪些点求和？", "which points does the gradient sum over?", _gradient_over_all_points),
        Misconception("wrong_sign", "(ŷ − y) 写成了 (y − ŷ) / (y − ŷ) for (ŷ − y)", "这是梯度 ∇L，不是更新方向", "this is the gradient ∇L, not the update direction",
                      lambda w_hat, X_hat, y: -ref.perceptron_gradient(w_hat, X_hat, y)),
    ),
    "perceptron_delta": (
        Misconception("wrong_sign", "(y − ŷ) 写成了 (ŷ − y) / (ŷ − y) for (y − ŷ)", *_DESCENT, lambda w_hat, x_hat, y, eta: -ref.perceptron_delta(w_hat, x_hat, y, eta)),
        Misconception("missing_eta", "漏了 η / η left out", *_ETA, lambda w_hat, x_hat, y, eta: ref.perceptron_delta(w_hat, x_hat, y, 1.0)),
        Misconception("pm_one_form", "对 0/1 标签用了 {−1,+1} 形式 η y x̂ / the {−1,+1} rule η y x̂ used with 0/1 labels", *_ZERO_ONE_LABELS, _perceptron_delta_pm_one),
    ),
    "train_perceptron": (
        Misconception("wrong_sign", "用 (ŷ − y) 更新 / updates with (ŷ − y)", *_DESCENT,
                      _train_perceptron_with(lambda w_hat, x_hat, y, eta: -ref.perceptron_delta(w_hat, x_hat, y, eta))),
        Misconception("pm_one_form", "对 0/1 标签用了 {−1,+1} 形式 η y x̂ / the {−1,+1} rule η y x̂ used with 0/1 labels", *_ZERO_ONE_LABELS, _train_perceptron_with(_perceptron_delta_pm_one)),
    ),
    "sigmoid": (
        Misconception("wrong_sign", "写成了 1/(1 + e^{z}) / 1/(1 + e^{z})", "f(0) = 0.5；z 很大时 f(z) 应接近几？", "f(0) = 0.5: what should f(z) approach as z grows?", _sigmoid_with_wrong_sign),
    ),
    "forward": (Misconception("thresholds_added", "阈值被加上：f(α + γ) / thresholds added, f(α + γ)", *_THRESHOLD_SIGN, _forward_thresholds_added),),
    "squared_error": (
        Misconception("missing_half", "漏了 ½ / the ½ left out", "(5.4) 前面有一个系数", "(5.4) has a constant factor in front", lambda y_hat, y: 2.0 * ref.squared_error(y_hat, y)),
    ),
    "dE_dyhat": (
        Misconception("wrong_sign", "ŷ − y 写成了 y − ŷ / y − ŷ for ŷ − y", "这里求的是 E_k 的偏导数本身，不是负梯度", "this is the partial derivative of E_k itself, not its negative",
                      lambda y_hat, y: -ref.dE_dyhat(y_hat, y)),
    ),
    "dyhat_dbeta": (
        Misconception("derivative_at_output", "把 ŷ 当作激活前的值求 f′ / f′ evaluated at ŷ as if ŷ were the pre-activation", *_F_FROM_OUTPUT, lambda y_hat: ref.dyhat_dbeta(ref.sigmoid(y_hat))),
    ),
    "dyhat_dtheta": (Misconception("missing_minus", "漏了 −θ 的负号 / the minus sign of −θ left out", *_THRESHOLD_SIGN, ref.dyhat_dbeta),),
    "db_dalpha": (
        Misconception("derivative_at_output", "把 b 当作激活前的值求 f′ / f′ evaluated at b as if b were the pre-activation", *_F_FROM_OUTPUT, lambda b: ref.db_dalpha(ref.sigmoid(b))),
    ),
    "db_dgamma": (Misconception("missing_minus", "漏了 −γ 的负号 / the minus sign of −γ left out", *_THRESHOLD_SIGN, ref.db_dalpha),),
    "output_gradient": (
        Misconception("wrong_sign", "y − ŷ 写成了 ŷ − y / ŷ − y for y − ŷ", *_NEGATIVE_GRADIENT, lambda y_hat, y: -ref.output_gradient(y_hat, y)),
        Misconception("missing_sigmoid_derivative", "缺少 ŷ(1 − ŷ) / no ŷ(1 − ŷ)", *_CHAIN_OUTPUT, lambda y_hat, y: -ref.dE_dyhat(y_hat, y)),
    ),
    "hidden_gradient": (
        Misconception("missing_sigmoid_derivative", "缺少 b(1 − b) / no b(1 − b)", *_CHAIN_HIDDEN, lambda b, w, g: np.asarray(w, dtype=float) @ g),
        Misconception("w_transposed", "w 转置了：对错误的下标求和 / w transposed: summed over the wrong index", "w_hj 连接隐层 h 与输出 j：对哪个下标求和？",
                      "w_hj joins hidden unit h to output j: which index is summed over?", lambda b, w, g: ref.db_dalpha(b) * (np.asarray(w, dtype=float).T @ g)),
        Misconception("no_sum_over_j", "没有对输出 j 求和 / no sum over the outputs j", "每个隐层单元影响所有输出 j", "each hidden unit feeds every output j",
                      lambda b, w, g: ref.db_dalpha(b)[:, None] * np.asarray(w, dtype=float) * g),
        Misconception("wrong_sign", "e 的符号反了 / the sign of e flipped", *_NEGATIVE_GRADIENT, lambda b, w, g: -ref.hidden_gradient(b, w, g)),
    ),
    "delta_w": (
        Misconception("missing_eta", "漏了 η / η left out", *_ETA, lambda eta, g, b: ref.delta_w(1.0, g, b)),
        Misconception("wrong_sign", "写成了 −η g b / −η g b", *_NEGATIVE_GRADIENT, lambda eta, g, b: -ref.delta_w(eta, g, b)),
        Misconception("transposed", "形状是 (l, q) 而不是 (q, l) / shape (l, q) instead of (q, l)", "w 的元素 (h, j) 连接隐层 h 与输出 j", "entry (h, j) of w joins hidden unit h to output j",
                      lambda eta, g, b: ref.delta_w(eta, g, b).T),
    ),
    "delta_theta": (
        Misconception("wrong_sign", "+η g：把阈值当成了加上的 / +η g: threshold treated as added", *_THRESHOLD_SIGN, lambda eta, g: -ref.delta_theta(eta, g)),
        Misconception("missing_eta", "漏了 η / η left out", *_ETA, lambda eta, g: ref.delta_theta(1.0, g)),
    ),
    "delta_v": (
        Misconception("missing_eta", "漏了 η / η left out", *_ETA, lambda eta, e, x: ref.delta_v(1.0, e, x)),
        Misconception("wrong_sign", "写成了 −η e x / −η e x", *_NEGATIVE_GRADIENT, lambda eta, e, x: -ref.delta_v(eta, e, x)),
        Misconception("transposed", "形状是 (q, d) 而不是 (d, q) / shape (q, d) instead of (d, q)", "v 的元素 (i, h) 连接输入 i 与隐层 h", "entry (i, h) of v joins input i to hidden unit h",
                      lambda eta, e, x: ref.delta_v(eta, e, x).T),
    ),
    "delta_gamma": (
        Misconception("wrong_sign", "+η e：把阈值当成了加上的 / +η e: threshold treated as added", *_THRESHOLD_SIGN, lambda eta, e: -ref.delta_gamma(eta, e)),
        Misconception("missing_eta", "漏了 η / η left out", *_ETA, lambda eta, e: ref.delta_gamma(1.0, e)),
    ),
    "init_params": (
        Misconception("draw_order", "按 v, w, γ, θ 的顺序抽取 / drawn in the order v, w, γ, θ", "同一个种子要得到同一个网络：抽取顺序见文档", "a seed must always give the same network: see the docstring for the order of the draws",
                      _init_params_drawn_v_w_gamma_theta),
    ),
    "bp_step": (
        Misconception("e_from_updated_w", "用已更新的 w 计算 e / e computed with w already updated", "图 5.8：g 和 e 用哪一时刻的参数计算？", "Fig. 5.8: g and e are computed with the parameters of which moment?",
                      lambda x, y, params, eta: _bp_step(x, y, params, eta, e_from_updated_w=True)),
        Misconception("threshold_signs", "阈值更新的符号反了 / thresholds updated with the wrong sign", *_THRESHOLD_SIGN, lambda x, y, params, eta: _bp_step(x, y, params, eta, threshold_sign=-1.0)),
    ),
    "accumulated_error": (
        Misconception("sum_not_mean", "求和而不是求平均 / summed instead of averaged", "再读一遍 (5.16)：1/m 起什么作用？", "read (5.16) again: what does the 1/m do?",
                      lambda X, Y, params: len(X) * ref.accumulated_error(X, Y, params)),
    ),
    "train_standard_bp": (
        Misconception("threshold_signs", "阈值更新的符号反了 / thresholds updated with the wrong sign", *_THRESHOLD_SIGN, _train_standard_bp_threshold_signs),
        Misconception("accumulated_instead", "每轮更新一次而不是每个样本更新一次 / one update per epoch instead of one per sample", "标准 BP 多久更新一次参数？", "how often does standard BP update the parameters?",
                      ref.train_accumulated_bp),
    ),
    "train_accumulated_bp": (
        Misconception("sum_not_mean", "Δ 求和而不是求平均（相当于 η 乘以 m）/ the Δ's summed instead of averaged (η times m)", "累积 BP 最小化的是 (5.16)：其中的 1/m 到哪里去了？",
                      "accumulated BP minimises (5.16): where did its 1/m go?", _train_accumulated_summing),
        Misconception("updates_inside_pass", "每个样本后都更新（标准 BP）/ updated after every sample (standard BP)", "累积 BP 每一轮更新几次？Δ 在哪一时刻的参数上计算？",
                      "how many updates does accumulated BP make per epoch, and at which parameters are the Δ's computed?", ref.train_standard_bp),
    ),
}


# Not an item's variant: recognised on any item whose every answer is one of the public self-check's.
PUBLIC_ANSWERS = Misconception(
    "public_answers",
    "不论参数如何都返回公开自检的答案 / the public self-check answers returned whatever the arguments",
    "隐藏用例与公开用例不同：结果要由参数计算出来",
    "the hidden cases are not the public ones: compute the result from the arguments",
    None,
)

