"""Student submissions for the grader's tests, written as self-contained .py files.

``reference_source()`` is the reference implementation's own code, made self-contained (no
import of source_impl): the source of its modules in one namespace ``_ref``, with the
student API bound at top level. ``with_functions`` then redefines some functions at top
level only, so a mistake in one function leaves every other function correct, as the
grader's isolation assumes.
"""

import ast
import inspect
import textwrap

import source_impl
from source_impl import batch, bp, chain_rule, network, perceptron, training

STUDENT_API = source_impl.__all__
_MODULES = (perceptron, network, chain_rule, bp, batch, training)


def _without_relative_imports(module):
    source = inspect.getsource(module)
    tree = ast.parse(source)
    lines = source.splitlines()
    for node in reversed(tree.body):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            del lines[node.lineno - 1 : node.end_lineno]
    return "\n".join(lines)


def module_source(module):
    """A reference module's own code as plain top-level definitions, as a notebook cell holds them."""
    return _without_relative_imports(module)


def reference_source():
    """The reference as a submission: exec'd into a namespace of its own, the API bound at top level."""
    # Params comes from the students' params.py, as in the notebook
    code = "from params import Params\n\n" + "\n\n".join(
        _without_relative_imports(module) for module in _MODULES
    )
    bindings = "\n".join(f"{name} = _ref.{name}" for name in STUDENT_API)
    return f"import types\nimport numpy as np\n\n_namespace = {{}}\nexec({code!r}, _namespace)\n_ref = types.SimpleNamespace(**_namespace)\n{bindings}\n"


def with_functions(*definitions):
    """The reference submission with each definition (source text) added at top level, overriding."""
    return (
        reference_source()
        + "\n\n"
        + "\n\n".join(textwrap.dedent(d).strip() + "\n" for d in definitions)
    )


def stub_source():
    """Every function of the student API raising NotImplementedError, as the released notebooks do."""
    stubs = []
    for name in STUDENT_API:
        if name == "Params":
            continue
        signature = inspect.signature(getattr(source_impl, name))
        stubs.append(f"def {name}{signature}:\n    raise NotImplementedError()\n")
    return "import numpy as np\n\n" + "\n\n".join(stubs)


def write(tmp_path, source, name="submission.py"):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path
