"""The hidden cases: one generator per graded item, one function per case group.

``GENERATORS[item_id][group_name](rng)`` returns the argument tuple of one case. The groups
are exactly course.yaml's groups for the item (a test holds the two equal). Cases are drawn
from one ``numpy.random.Generator`` per (base seed, course, assignment, student, item), so a
regrade gives identical cases and two students get different ones.

Isolation: every argument that is an upstream quantity (b, ŷ, g, e) is computed here by the
reference, so a wrong upstream function costs only its own item. Training cases are small
so that grading stays fast.
"""

import copy
import hashlib
from dataclasses import dataclass

import numpy as np

import source_impl as ref
from source_impl.datasets import load_watermelon3_0


@dataclass(frozen=True)
class Case:
    """One hidden case of an item: its group, its number within the item, and its arguments."""

    group: str
    number: int
    args: tuple

    def arguments(self):
        """A fresh deep copy of the arguments, so that no call can change the case itself."""
        return copy.deepcopy(self.args)


def item_seed(base_seed, course_id, assignment_id, student_id, item_id):
    """A 64-bit seed from the SHA-256 of the course's base seed and the four ids."""
    text = "\x1f".join(str(part) for part in (base_seed, course_id, assignment_id, student_id, item_id))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def generate(item, seed):
    """The cases of an item, group by group in course.yaml's order, from one seeded generator."""
    rng = np.random.default_rng(seed)
    generators = GENERATORS[item.id]
    cases = []
    for group in item.groups:
        for _ in range(group.count):
            cases.append(Case(group.name, len(cases) + 1, tuple(generators[group.name](rng))))
    return cases


# --- building blocks --------------------------------------------------------------------


def _size(rng, low=1, high=6):
    return int(rng.integers(low, high + 1))


def _eta(rng):
    return float(rng.uniform(0.05, 0.95))


def _eta_extreme(rng):
    """η near 0 or near 1, the ends of (0, 1)."""
    return float(rng.uniform(1e-5, 1e-3)) if rng.random() < 0.5 else float(rng.uniform(0.99, 0.99999))


def _saturating(rng, size):
    """Pre-activations far into the sigmoid's flat tails, both signs, ±1000 included."""
    z = rng.choice([-1.0, 1.0], size) * rng.uniform(30.0, 1000.0, size)
    z.flat[0] = 1000.0 * rng.choice([-1.0, 1.0])
    return z


def _outputs(rng, size, saturated=False):
    """Sigmoid outputs in (0, 1), or, saturated, within 1e-13 of 0 or 1 (exactly 0 or 1 included)."""
    z = _saturating(rng, size) if saturated else rng.normal(0.0, 2.0, size)
    return ref.sigmoid(z)


def _network(rng, d=None, q=None, l=None, scale=1.0):
    """A sample (x, y) and parameters with both signs; scale > 1 drives the sigmoids into saturation."""
    d, q, l = d or _size(rng), q or _size(rng), l or _size(rng)
    x = rng.uniform(-1.0, 1.0, d)
    y = rng.uniform(0.0, 1.0, l)
    params = ref.Params(
        v=scale * rng.normal(size=(d, q)), gamma=rng.normal(size=q), w=scale * rng.normal(size=(q, l)), theta=rng.normal(size=l)
    )
    return x, y, params


def _upstream(x, y, params):
    """The reference's b, ŷ, g and e at (x, y, params)."""
    b, y_hat = ref.forward(x, *params)
    g = ref.output_gradient(y_hat, y)
    return b, y_hat, g, ref.hidden_gradient(b, params.w, g)


def _data(rng, m=None, d=None, l=None):
    m, d, q, l = m or _size(rng, 3, 6), d or _size(rng, 1, 3), _size(rng, 1, 3), l or _size(rng, 1, 2)
    params = ref.Params(v=rng.normal(size=(d, q)), gamma=rng.normal(size=q), w=rng.normal(size=(q, l)), theta=rng.normal(size=l))
    return rng.uniform(-1.0, 1.0, (m, d)), rng.uniform(0.0, 1.0, (m, l)), params


def _hyperplane(rng, n):
    """Integer ŵ = (w; b) with a coefficient 1, so that points exactly on wᵀx + b = 0 are exact in float64."""
    w_hat = rng.integers(-4, 5, n + 1).astype(float)
    pivot = int(rng.integers(n))
    w_hat[pivot] = 1.0
    return w_hat, pivot


def _points_on(rng, w_hat, pivot, m):
    """m augmented points x̂ with ŵᵀx̂ = 0 exactly."""
    X_hat = ref.augment(rng.integers(-5, 6, (m, len(w_hat) - 1)).astype(float))
    X_hat[:, pivot] = 0.0
    X_hat[:, pivot] = -(X_hat @ w_hat)
    return X_hat


def _labelled(rng, m=None, n=None):
    m, n = m or _size(rng, 4, 8), n or _size(rng, 1, 4)
    w_hat = rng.normal(size=n + 1)
    X_hat = ref.augment(rng.normal(size=(m, n)))
    return w_hat, X_hat


# --- perceptron, section 5.2 --------------------------------------------------------------


def _augment_one(rng):
    return (rng.normal(size=_size(rng)),)


def _augment_matrix(rng):
    return (rng.normal(size=(_size(rng), _size(rng))),)


def _predict_general(rng):
    w_hat, X_hat = _labelled(rng)
    return (w_hat, X_hat[0]) if rng.random() < 0.3 else (w_hat, X_hat)


def _predict_on_hyperplane(rng):
    n = _size(rng, 1, 4)
    w_hat, pivot = _hyperplane(rng, n)
    on = _points_on(rng, w_hat, pivot, _size(rng, 1, 4))
    off = ref.augment(rng.normal(size=(_size(rng, 1, 3), n)))
    X_hat = rng.permutation(np.vstack([on, off]))
    return (w_hat, on[0]) if rng.random() < 0.3 else (w_hat, X_hat)


def _distance_general(rng):
    n = _size(rng)
    return rng.normal(size=n), float(rng.normal()), rng.normal(size=n)


def _distance_on_hyperplane(rng):
    w_hat, pivot = _hyperplane(rng, _size(rng, 1, 4))
    return w_hat[:-1], float(w_hat[-1]), _points_on(rng, w_hat, pivot, 1)[0, :-1]


def _loss_general(rng):
    w_hat, X_hat = _labelled(rng)
    y = rng.integers(0, 2, len(X_hat))
    y[0] = 1 - ref.perceptron_predict(w_hat, X_hat[0])  # M is never empty here
    return w_hat, X_hat, y


def _loss_all_correct(rng):
    w_hat, X_hat = _labelled(rng)
    return w_hat, X_hat, ref.perceptron_predict(w_hat, X_hat)


def _loss_on_hyperplane(rng):
    """Points on the hyperplane labelled 0: misclassified (sgn(0) = 1) yet adding 0 to the loss."""
    n = _size(rng, 1, 4)
    w_hat, pivot = _hyperplane(rng, n)
    on = _points_on(rng, w_hat, pivot, _size(rng, 1, 3))
    off = ref.augment(rng.normal(size=(_size(rng, 2, 4), n)))
    X_hat = np.vstack([on, off])
    y = np.concatenate([np.zeros(len(on), dtype=int), rng.integers(0, 2, len(off))])
    order = rng.permutation(len(X_hat))
    return w_hat, X_hat[order], y[order]


def _delta(rng, misclassified, eta):
    w_hat, X_hat = _labelled(rng, m=1)
    y_hat = ref.perceptron_predict(w_hat, X_hat[0])
    return w_hat, X_hat[0], int(1 - y_hat if misclassified else y_hat), eta


def _train_separable(rng):
    m, n = _size(rng, 4, 8), _size(rng, 1, 3)
    X_hat = ref.augment(rng.uniform(-1.0, 1.0, (m, n)))
    truth = rng.normal(size=n + 1)
    y = ref.perceptron_predict(truth, X_hat)
    w_hat0 = np.zeros(n + 1) if rng.random() < 0.5 else rng.normal(size=n + 1)
    return X_hat, y, w_hat0, _eta(rng), 30


def _train_not_separable(rng):
    """XOR with a little noise: no ŵ classifies it, so training runs all its epochs."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]) + rng.uniform(-0.1, 0.1, (4, 2))
    return ref.augment(X), np.array([0, 1, 1, 0]), rng.normal(size=3), _eta(rng), _size(rng, 3, 8)


# --- network and standard BP, section 5.3 ---------------------------------------------------


def _sigmoid_general(rng):
    return (float(rng.normal(0.0, 3.0)),) if rng.random() < 0.25 else (rng.normal(0.0, 3.0, (_size(rng), _size(rng, 1, 2))),)


def _sigmoid_saturated(rng):
    return (_saturating(rng, _size(rng, 2, 6)),)


def _forward(rng, **shape):
    x, _, params = _network(rng, **shape)
    return (x, *params)


def _prediction_pair(rng, l=None, saturated=False):
    l = l or _size(rng)
    return _outputs(rng, l, saturated), rng.uniform(0.0, 1.0, l)


def _elementwise(rng, saturated=False):
    return (_outputs(rng, _size(rng), saturated),)


def _hidden_gradient(rng, q=None, l=None):
    q = q or _size(rng)
    l = l or (q if rng.random() < 0.5 else _size(rng))  # square w half the time, where wᵀ fits too
    x, y, params = _network(rng, q=q, l=l)
    b, _, g, _ = _upstream(x, y, params)
    return b, params.w, g


def _output_delta(rng, l=None, eta=None):
    x, y, params = _network(rng, l=l)
    b, _, g, _ = _upstream(x, y, params)
    return (eta or _eta(rng)), g, b


def _hidden_delta(rng, d=None, q=None, eta=None):
    x, y, params = _network(rng, d=d, q=q)
    _, _, _, e = _upstream(x, y, params)
    return (eta or _eta(rng)), e, x


def _init_params(rng, q=None):
    return _size(rng), q or _size(rng), _size(rng), np.random.default_rng(int(rng.integers(2**32)))


def _bp_step(rng, l=None, scale=1.0):
    x, y, params = _network(rng, l=l, scale=scale)
    return x, y, params, _eta(rng)


def _training(rng):
    X, Y, params = _data(rng)
    return X, Y, params, _eta(rng), _size(rng, 2, 4)


def _training_watermelon(rng):
    """Exercise 5.5's data, 19 inputs and 17 samples, for a few epochs of a 19-3-1 network."""
    data = load_watermelon3_0()
    params = ref.init_params(data.X.shape[1], 3, 1, rng)
    return data.X, data.y[:, None].astype(float), params, _eta(rng), 3


GENERATORS = {
    "augment": {"one_sample": _augment_one, "matrix": _augment_matrix},
    "perceptron_predict": {"general": _predict_general, "on_hyperplane": _predict_on_hyperplane},
    "distance_to_hyperplane": {"general": _distance_general, "on_hyperplane": _distance_on_hyperplane},
    "perceptron_loss": {"general": _loss_general, "all_correct": _loss_all_correct, "on_hyperplane": _loss_on_hyperplane},
    "perceptron_gradient": {"general": _loss_general, "all_correct": _loss_all_correct, "on_hyperplane": _loss_on_hyperplane},
    "perceptron_delta": {
        "misclassified": lambda rng: _delta(rng, True, _eta(rng)),
        "correct": lambda rng: _delta(rng, False, _eta(rng)),
        "eta_extremes": lambda rng: _delta(rng, True, _eta_extreme(rng)),
    },
    "train_perceptron": {"separable": _train_separable, "not_separable": _train_not_separable},
    "sigmoid": {"general": _sigmoid_general, "saturated": _sigmoid_saturated},
    "forward": {"general": _forward, "single_output": lambda rng: _forward(rng, l=1), "single_unit": lambda rng: _forward(rng, q=1)},
    "squared_error": {"general": _prediction_pair, "single_output": lambda rng: _prediction_pair(rng, l=1)},
    "dE_dyhat": {"general": _prediction_pair, "single_output": lambda rng: _prediction_pair(rng, l=1)},
    "dyhat_dbeta": {"general": _elementwise, "saturated": lambda rng: _elementwise(rng, saturated=True)},
    "dyhat_dtheta": {"general": _elementwise, "saturated": lambda rng: _elementwise(rng, saturated=True)},
    "db_dalpha": {"general": _elementwise, "saturated": lambda rng: _elementwise(rng, saturated=True)},
    "db_dgamma": {"general": _elementwise, "saturated": lambda rng: _elementwise(rng, saturated=True)},
    "output_gradient": {
        "general": _prediction_pair,
        "single_output": lambda rng: _prediction_pair(rng, l=1),
        "saturated": lambda rng: _prediction_pair(rng, saturated=True),
    },
    "hidden_gradient": {
        "general": _hidden_gradient,
        "single_output": lambda rng: _hidden_gradient(rng, l=1),
        "single_unit": lambda rng: _hidden_gradient(rng, q=1),
    },
    "delta_w": {
        "general": _output_delta,
        "single_output": lambda rng: _output_delta(rng, l=1),
        "eta_extremes": lambda rng: _output_delta(rng, eta=_eta_extreme(rng)),
    },
    "delta_theta": {
        "general": lambda rng: _output_delta(rng)[:2],
        "single_output": lambda rng: _output_delta(rng, l=1)[:2],
        "eta_extremes": lambda rng: _output_delta(rng, eta=_eta_extreme(rng))[:2],
    },
    "delta_v": {
        "general": _hidden_delta,
        "single_input": lambda rng: _hidden_delta(rng, d=1),
        "eta_extremes": lambda rng: _hidden_delta(rng, eta=_eta_extreme(rng)),
    },
    "delta_gamma": {
        "general": lambda rng: _hidden_delta(rng)[:2],
        "single_unit": lambda rng: _hidden_delta(rng, q=1)[:2],
        "eta_extremes": lambda rng: _hidden_delta(rng, eta=_eta_extreme(rng))[:2],
    },
    "init_params": {"general": _init_params, "single_unit": lambda rng: _init_params(rng, q=1)},
    "bp_step": {
        "general": _bp_step,
        "single_output": lambda rng: _bp_step(rng, l=1),
        "saturated": lambda rng: _bp_step(rng, scale=60.0),
    },
    "accumulated_error": {"general": lambda rng: _data(rng), "single_sample": lambda rng: _data(rng, m=1)},
    "train_standard_bp": {"general": _training, "watermelon": _training_watermelon},
    "train_accumulated_bp": {"general": _training, "watermelon": _training_watermelon},
}
