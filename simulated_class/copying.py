"""A copier's disguise of another student's function: local variables renamed, independent statements swapped.

``disguised(source)`` keeps what the function computes: only names the function assigns are
renamed (never its parameters, globals or attributes), and two neighbouring assignments are
swapped only when neither reads or writes what the other writes (a method call, as on a random
generator, counts as writing its object). Comments go, and the layout is ``ast.unparse``'s.
"""

import ast

# what a copier renames a variable to; any other name gets a suffix
RENAMES = {
    "b": "hidden",
    "y_hat": "output",
    "g": "grad_out",
    "e": "grad_hidden",
    "w": "weights",
    "v": "v_in",
    "gamma": "thresholds_h",
    "theta": "thresholds_o",
    "total": "acc",
    "history": "curve",
    "errors": "n_wrong",
    "epoch": "ep",
    "k": "idx",
    "m": "n_samples",
}
NAMESPACES = {"np", "math"}  # modules: their calls change no state of the function's


def disguised(source: str) -> str:
    """The source's functions as a copier hands them in: same behaviour, other names, another order."""
    tree = ast.parse(source)
    for function in tree.body:
        if isinstance(function, ast.FunctionDef):
            _disguise(function)
    return ast.unparse(tree) + "\n"


def _disguise(function: ast.FunctionDef) -> None:
    parameters = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
    assigned = {
        node.id
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    } - parameters
    names: dict[str, str] = {}
    for name in sorted(assigned):
        new = RENAMES.get(name, f"{name}_")
        names[name] = new if new not in used | set(names.values()) else f"{name}_"
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in names:
            node.id = names[node.id]
    for node in ast.walk(function):
        for field in ("body", "orelse"):
            if isinstance(getattr(node, field, None), list):
                setattr(node, field, _swapped(getattr(node, field)))


def _swapped(statements: list[ast.stmt]) -> list[ast.stmt]:
    """The statements with each independent neighbouring pair of assignments swapped, once."""
    result: list[ast.stmt] = []
    index = 0
    while index < len(statements):
        pair = statements[index : index + 2]
        if len(pair) == 2 and _independent(*pair):
            result += [pair[1], pair[0]]
            index += 2
        else:
            result.append(statements[index])
            index += 1
    return result


def _independent(first: ast.stmt, second: ast.stmt) -> bool:
    kinds = (ast.Assign, ast.AugAssign, ast.AnnAssign)
    if not (isinstance(first, kinds) and isinstance(second, kinds)):
        return False
    written = [_written(first), _written(second)]
    read = [_read(first), _read(second)]
    return not (
        written[0] & (read[1] | written[1]) or written[1] & read[0] or written[0] & written[1]
    )


def _written(statement: ast.Assign | ast.AugAssign | ast.AnnAssign) -> set[str]:
    """Names a statement binds or changes: its targets' names, and objects whose methods it calls."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    for node in ast.walk(statement):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if isinstance(base, ast.Name) and base.id not in NAMESPACES:
                names.add(base.id)
    return names


def _read(statement: ast.stmt) -> set[str]:
    return {
        n.id for n in ast.walk(statement) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
