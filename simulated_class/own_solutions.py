"""Correct functions two honest students wrote in their own way, for the class's similarity check.

``OWN[assignment]`` holds two students' bodies ({function: body}), each under the released
def line (``students.notebook_of``); the functions not listed are the reference's, which most
of the class shares. The two differ from each other and from the reference as two students'
work would: loops against vectorised code, the chain-rule factors against the formula, other
names and another order. A copier hands in the first student's notebook disguised
(``copying.disguised``).
"""

PERCEPTRON_FIRST = {
    "augment": """
    X = np.array(X, dtype=float)
    ones = np.ones(X.shape[:-1] + (1,))
    return np.concatenate((X, ones), axis=-1)
""",
    "perceptron_predict": """
    scores = np.dot(np.asarray(X_hat, dtype=float), np.asarray(w_hat, dtype=float))
    labels = np.where(scores >= 0, 1, 0)
    return int(labels) if labels.ndim == 0 else labels
""",
    "distance_to_hyperplane": """
    w = np.asarray(w, dtype=float)
    numerator = np.abs(np.dot(w, x0) + b)
    return float(numerator / np.sqrt(np.sum(w**2)))
""",
    "perceptron_loss": """
    total = 0.0
    for x_i, y_i in zip(X_hat, y):
        y_hat_i = perceptron_predict(w_hat, x_i)
        if y_hat_i != y_i:
            total += (y_hat_i - y_i) * float(np.dot(w_hat, x_i))
    return float(total)
""",
    "perceptron_gradient": """
    grad = np.zeros(len(w_hat))
    for x_i, y_i in zip(X_hat, y):
        y_hat_i = perceptron_predict(w_hat, x_i)
        grad += (y_hat_i - y_i) * x_i
    return grad
""",
    "perceptron_delta": """
    x_hat = np.asarray(x_hat, dtype=float)
    prediction = perceptron_predict(w_hat, x_hat)
    if prediction == y:
        return np.zeros_like(x_hat)
    return eta * (y - prediction) * x_hat
""",
    "train_perceptron": """
    w = np.copy(np.asarray(w_hat0, dtype=float))
    history = []
    epoch = 0
    while epoch < max_epochs:
        errors = 0
        for i in range(len(y)):
            if perceptron_predict(w, X_hat[i]) != y[i]:
                errors += 1
                w = w + perceptron_delta(w, X_hat[i], y[i], eta)
        history.append(errors)
        epoch += 1
        if errors == 0:
            break
    return w, history
""",
}

PERCEPTRON_SECOND = {
    "augment": """
    arr = np.asarray(X, dtype=float)
    if arr.ndim == 2:
        return np.column_stack((arr, np.ones(len(arr))))
    return np.r_[arr, 1.0]
""",
    "perceptron_predict": """
    z = np.asarray(X_hat, dtype=float).dot(np.asarray(w_hat, dtype=float))
    if np.ndim(z) == 0:
        return 1 if z >= 0 else 0
    return np.array([1 if value >= 0 else 0 for value in z])
""",
    "distance_to_hyperplane": """
    weights = np.array(w, dtype=float)
    point = np.array(x0, dtype=float)
    length = np.linalg.norm(weights)
    signed = (weights @ point + b) / length
    return float(abs(signed))
""",
    "perceptron_loss": """
    scores = X_hat @ w_hat
    predicted = (scores >= 0).astype(int)
    wrong = np.flatnonzero(predicted != y)
    return float(sum((predicted[i] - y[i]) * scores[i] for i in wrong))
""",
    "perceptron_gradient": """
    predicted = perceptron_predict(w_hat, X_hat)
    coefficients = (predicted - y).astype(float)
    return X_hat.T @ coefficients
""",
    "perceptron_delta": """
    error = y - perceptron_predict(w_hat, x_hat)
    step = [eta * error * value for value in x_hat]
    return np.array(step, dtype=float)
""",
    "train_perceptron": """
    weights = np.array(w_hat0, dtype=float)
    counts = []
    for _ in range(max_epochs):
        wrong = 0
        for sample, label in zip(X_hat, y):
            if perceptron_predict(weights, sample) == label:
                continue
            wrong = wrong + 1
            weights = weights + eta * (label - perceptron_predict(weights, sample)) * sample
        counts.append(wrong)
        if not wrong:
            break
    return weights, counts
""",
}

BP_FIRST = {
    "sigmoid": """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    exp_z = np.exp(z[~pos])
    out[~pos] = exp_z / (1.0 + exp_z)
    return out if out.ndim else float(out)
""",
    "forward": """
    alpha = np.dot(x, v)
    b = sigmoid(alpha - gamma)
    beta = np.dot(b, w)
    return b, sigmoid(beta - theta)
""",
    "squared_error": """
    diff = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(diff @ diff) / 2
""",
    "output_gradient": """
    factor = dyhat_dbeta(y_hat)
    return -factor * dE_dyhat(y_hat, y)
""",
    "hidden_gradient": """
    back = np.dot(w, g)
    return db_dalpha(b) * back
""",
    "init_params": """
    v = rng.uniform(0.0, 1.0, size=(d, q))
    gamma = rng.uniform(0.0, 1.0, size=q)
    w = rng.uniform(0.0, 1.0, size=(q, l))
    theta = rng.uniform(0.0, 1.0, size=l)
    return Params(v, gamma, w, theta)
""",
    "bp_step": """
    v, gamma, w, theta = params
    b, y_hat = forward(x, v, gamma, w, theta)
    g = output_gradient(y_hat, y)
    e = hidden_gradient(b, w, g)
    new_w = w + delta_w(eta, g, b)
    new_theta = theta + delta_theta(eta, g)
    new_v = v + delta_v(eta, e, x)
    new_gamma = gamma + delta_gamma(eta, e)
    return Params(new_v, new_gamma, new_w, new_theta)
""",
    "accumulated_error": """
    total = 0.0
    for x, y in zip(X, Y):
        _, y_hat = forward(x, *params)
        total += squared_error(y_hat, y)
    return total / len(X)
""",
    "train_standard_bp": """
    current = params0
    errors = []
    for epoch in range(epochs):
        for k in range(len(X)):
            current = bp_step(X[k], Y[k], current, eta)
        errors.append(accumulated_error(X, Y, current))
    return current, np.array(errors)
""",
    "train_accumulated_bp": """
    v, gamma, w, theta = (np.array(p, dtype=float) for p in params0)
    history = []
    for epoch in range(epochs):
        dv = np.zeros_like(v)
        dgamma = np.zeros_like(gamma)
        dw = np.zeros_like(w)
        dtheta = np.zeros_like(theta)
        for k in range(len(X)):
            b, y_hat = forward(X[k], v, gamma, w, theta)
            g = output_gradient(y_hat, Y[k])
            e = hidden_gradient(b, w, g)
            dw += delta_w(eta, g, b)
            dtheta += delta_theta(eta, g)
            dv += delta_v(eta, e, X[k])
            dgamma += delta_gamma(eta, e)
        m = len(X)
        v, gamma, w, theta = v + dv / m, gamma + dgamma / m, w + dw / m, theta + dtheta / m
        history.append(accumulated_error(X, Y, Params(v, gamma, w, theta)))
    return Params(v, gamma, w, theta), np.array(history)
""",
}

BP_SECOND = {
    "sigmoid": """
    values = np.clip(np.asarray(z, dtype=float), -500, 500)
    result = 1.0 / (1.0 + np.exp(-values))
    if np.ndim(result) == 0:
        return float(result)
    return result
""",
    "forward": """
    hidden_in = np.asarray(x, dtype=float) @ np.asarray(v, dtype=float) - gamma
    hidden_out = sigmoid(hidden_in)
    output = sigmoid(hidden_out @ w - theta)
    return hidden_out, output
""",
    "squared_error": """
    total = 0.0
    for predicted, target in zip(y_hat, y):
        total += (predicted - target) ** 2
    return 0.5 * float(total)
""",
    "output_gradient": """
    yh = np.array(y_hat, dtype=float)
    return np.multiply(np.multiply(yh, 1 - yh), np.subtract(y, yh))
""",
    "hidden_gradient": """
    q = len(b)
    e = np.zeros(q)
    for h in range(q):
        e[h] = b[h] * (1 - b[h]) * np.sum(w[h] * g)
    return e
""",
    "init_params": """
    shapes = [(d, q), (q,), (q, l), (l,)]
    drawn = [rng.random(shape) for shape in shapes]
    return Params(*drawn)
""",
    "bp_step": """
    hidden, out = forward(x, *params)
    grad_out = output_gradient(out, y)
    grad_hidden = hidden_gradient(hidden, params.w, grad_out)
    deltas = (
        delta_v(eta, grad_hidden, x),
        delta_gamma(eta, grad_hidden),
        delta_w(eta, grad_out, hidden),
        delta_theta(eta, grad_out),
    )
    return Params(*[p + dp for p, dp in zip(params, deltas)])
""",
    "accumulated_error": """
    errors = [
        squared_error(forward(X[k], params.v, params.gamma, params.w, params.theta)[1], Y[k])
        for k in range(len(X))
    ]
    return float(sum(errors) / len(errors))
""",
    "train_standard_bp": """
    p = Params(*params0)
    history = np.zeros(epochs)
    epoch = 0
    while epoch < epochs:
        for sample, target in zip(X, Y):
            p = bp_step(sample, target, p, eta)
        history[epoch] = accumulated_error(X, Y, p)
        epoch += 1
    return p, history
""",
    "train_accumulated_bp": """
    params = params0
    m = X.shape[0]
    history = []
    for _ in range(epochs):
        sums = None
        for x, y in zip(X, Y):
            b, y_hat = forward(x, *params)
            g = output_gradient(y_hat, y)
            e = hidden_gradient(b, params.w, g)
            step = Params(delta_v(eta, e, x), delta_gamma(eta, e), delta_w(eta, g, b), delta_theta(eta, g))
            sums = step if sums is None else Params(*(a + c for a, c in zip(sums, step)))
        params = Params(*(p + s / m for p, s in zip(params, sums)))
        history.append(accumulated_error(X, Y, params))
    return params, np.array(history)
""",
}

OWN = {"perceptron": (PERCEPTRON_FIRST, PERCEPTRON_SECOND), "bp": (BP_FIRST, BP_SECOND)}
