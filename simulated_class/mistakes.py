"""One hand-written wrong function per catalogued misconception, as a student would write it.

``MISTAKES[(item id, misconception id)]`` is the source of the student's function with
exactly that mistake, calling the student's other functions through ``_ref.`` and NumPy as
``np``. The tests put it into an otherwise correct .py submission, where ``_ref`` is the
reference (``tests/submissions.with_functions``); the simulated class into a notebook, where
``_ref.`` is dropped and the notebook's own functions are called (``in_notebook``).
"""

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

_BP_STEP = """
def bp_step(x, y, params, eta):
    b, y_hat = _ref.forward(x, *params)
    g = y_hat * (1 - y_hat) * (y - y_hat)
    w = params.w + eta * np.outer(b, g)
    e = b * (1 - b) * (W @ g)
    return _ref.Params(params.v + eta * np.outer(x, e), params.gamma SIGN eta * e, w, params.theta SIGN eta * g)
"""

MISTAKES = {
    ("augment", "one_first"): """
def augment(X):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return np.concatenate([[1.0], X])
    return np.hstack([np.ones((X.shape[0], 1)), X])
""",
    ("perceptron_predict", "strict_step"): """
def perceptron_predict(w_hat, X_hat):
    z = np.asarray(X_hat, dtype=float) @ np.asarray(w_hat, dtype=float)
    return int(z > 0) if np.ndim(z) == 0 else (z > 0).astype(int)
""",
    ("distance_to_hyperplane", "no_norm"): """
def distance_to_hyperplane(w, b, x0):
    return float(abs(np.dot(w, x0) + b))
""",
    ("distance_to_hyperplane", "squared_norm"): """
def distance_to_hyperplane(w, b, x0):
    return float(abs(np.dot(w, x0) + b) / np.sum(np.square(w)))
""",
    ("perceptron_loss", "over_all_points"): """
def perceptron_loss(w_hat, X_hat, y):
    return float(np.sum((1 - 2 * np.asarray(y)) * (np.asarray(X_hat) @ w_hat)))
""",
    ("perceptron_loss", "wrong_sign"): """
def perceptron_loss(w_hat, X_hat, y):
    y_hat = _ref.perceptron_predict(w_hat, X_hat)
    M = y_hat != y
    return float(np.sum((y[M] - y_hat[M]) * (X_hat[M] @ w_hat)))
""",
    ("perceptron_gradient", "over_all_points"): """
def perceptron_gradient(w_hat, X_hat, y):
    return (1 - 2 * np.asarray(y)) @ np.asarray(X_hat, dtype=float)
""",
    ("perceptron_gradient", "wrong_sign"): """
def perceptron_gradient(w_hat, X_hat, y):
    y_hat = _ref.perceptron_predict(w_hat, X_hat)
    M = y_hat != y
    return (y[M] - y_hat[M]) @ X_hat[M]
""",
    ("perceptron_delta", "wrong_sign"): """
def perceptron_delta(w_hat, x_hat, y, eta):
    return eta * (_ref.perceptron_predict(w_hat, x_hat) - y) * np.asarray(x_hat, dtype=float)
""",
    ("perceptron_delta", "missing_eta"): """
def perceptron_delta(w_hat, x_hat, y, eta):
    return (y - _ref.perceptron_predict(w_hat, x_hat)) * np.asarray(x_hat, dtype=float)
""",
    ("perceptron_delta", "pm_one_form"): """
def perceptron_delta(w_hat, x_hat, y, eta):
    if _ref.perceptron_predict(w_hat, x_hat) != y:
        return eta * y * np.asarray(x_hat, dtype=float)
    return np.zeros(len(x_hat))
""",
    ("train_perceptron", "wrong_sign"): _TRAIN_PERCEPTRON.replace("UPDATE", "w_hat - _ref.perceptron_delta(w_hat, x_hat, y_i, eta)"),
    ("train_perceptron", "pm_one_form"): _TRAIN_PERCEPTRON.replace("UPDATE", "w_hat + eta * y_i * x_hat"),
    ("sigmoid", "wrong_sign"): """
def sigmoid(z):
    f = 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))
    return float(f) if f.ndim == 0 else f
""",
    ("forward", "thresholds_added"): """
def forward(x, v, gamma, w, theta):
    b = _ref.sigmoid(x @ v + gamma)
    return b, _ref.sigmoid(b @ w + theta)
""",
    ("squared_error", "missing_half"): """
def squared_error(y_hat, y):
    return float(np.sum((y_hat - y) ** 2))
""",
    ("dE_dyhat", "wrong_sign"): "def dE_dyhat(y_hat, y):\n    return y - y_hat\n",
    ("dyhat_dbeta", "derivative_at_output"): "def dyhat_dbeta(y_hat):\n    f = _ref.sigmoid(y_hat)\n    return f * (1 - f)\n",
    ("dyhat_dtheta", "missing_minus"): "def dyhat_dtheta(y_hat):\n    return y_hat * (1 - y_hat)\n",
    ("db_dalpha", "derivative_at_output"): "def db_dalpha(b):\n    f = _ref.sigmoid(b)\n    return f * (1 - f)\n",
    ("db_dgamma", "missing_minus"): "def db_dgamma(b):\n    return b * (1 - b)\n",
    ("output_gradient", "wrong_sign"): "def output_gradient(y_hat, y):\n    return y_hat * (1 - y_hat) * (y_hat - y)\n",
    ("output_gradient", "missing_sigmoid_derivative"): "def output_gradient(y_hat, y):\n    return y - y_hat\n",
    ("hidden_gradient", "missing_sigmoid_derivative"): "def hidden_gradient(b, w, g):\n    return w @ g\n",
    ("hidden_gradient", "w_transposed"): "def hidden_gradient(b, w, g):\n    return b * (1 - b) * (w.T @ g)\n",
    ("hidden_gradient", "no_sum_over_j"): "def hidden_gradient(b, w, g):\n    return (b * (1 - b))[:, None] * w * g\n",
    ("hidden_gradient", "wrong_sign"): "def hidden_gradient(b, w, g):\n    return -b * (1 - b) * (w @ g)\n",
    ("delta_w", "missing_eta"): "def delta_w(eta, g, b):\n    return np.outer(b, g)\n",
    ("delta_w", "wrong_sign"): "def delta_w(eta, g, b):\n    return -eta * np.outer(b, g)\n",
    ("delta_w", "transposed"): "def delta_w(eta, g, b):\n    return eta * np.outer(g, b)\n",
    ("delta_theta", "wrong_sign"): "def delta_theta(eta, g):\n    return eta * g\n",
    ("delta_theta", "missing_eta"): "def delta_theta(eta, g):\n    return -g\n",
    ("delta_v", "missing_eta"): "def delta_v(eta, e, x):\n    return np.outer(x, e)\n",
    ("delta_v", "wrong_sign"): "def delta_v(eta, e, x):\n    return -eta * np.outer(x, e)\n",
    ("delta_v", "transposed"): "def delta_v(eta, e, x):\n    return eta * np.outer(e, x)\n",
    ("delta_gamma", "wrong_sign"): "def delta_gamma(eta, e):\n    return eta * e\n",
    ("delta_gamma", "missing_eta"): "def delta_gamma(eta, e):\n    return -e\n",
    ("init_params", "draw_order"): """
def init_params(d, q, l, rng):
    v = rng.random((d, q))
    w = rng.random((q, l))
    return _ref.Params(v, rng.random(q), w, rng.random(l))
""",
    ("bp_step", "e_from_updated_w"): _BP_STEP.replace("W @ g", "w @ g").replace("SIGN", "-"),
    ("bp_step", "threshold_signs"): _BP_STEP.replace("W @ g", "params.w @ g").replace("SIGN", "+"),
    ("accumulated_error", "sum_not_mean"): """
def accumulated_error(X, Y, params):
    return float(sum(_ref.squared_error(_ref.forward(x, *params)[1], y) for x, y in zip(X, Y)))
""",
    ("train_standard_bp", "threshold_signs"): """
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
    ("train_standard_bp", "accumulated_instead"): """
def train_standard_bp(X, Y, params0, eta, epochs):
    return _ref.train_accumulated_bp(X, Y, params0, eta, epochs)
""",
    ("train_accumulated_bp", "sum_not_mean"): """
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
    ("train_accumulated_bp", "updates_inside_pass"): """
def train_accumulated_bp(X, Y, params0, eta, epochs):
    return _ref.train_standard_bp(X, Y, params0, eta, epochs)
""",
}


def in_notebook(source):
    """The mistake's source as a notebook cell: the student's own functions instead of ``_ref``'s."""
    return source.replace("_ref.", "").strip() + "\n"
