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


def _as_student_code(module):
    """A reference module's code without its relative imports (a submission cannot import
    source_impl) and without annotations (the names they use come from those imports)."""
    tree = ast.parse(inspect.getsource(module))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.ImportFrom) and n.level > 0)]
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
            for argument in ast.walk(node.args):
                if isinstance(argument, ast.arg):
                    argument.annotation = None
    return ast.unparse(tree)


def module_source(module):
    """A reference module's own code as plain top-level definitions, as a notebook cell holds them."""
    return _as_student_code(module)


def reference_source():
    """The reference as a submission: exec'd into a namespace of its own, the API bound at top level."""
    # Params comes from the students' params.py, as in the notebook
    code = "from params import Params\n\n" + "\n\n".join(
        _as_student_code(module) for module in _MODULES
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
        signature = _unannotated(inspect.signature(getattr(source_impl, name)))
        stubs.append(f"def {name}{signature}:\n    raise NotImplementedError()\n")
    return "import numpy as np\n\n" + "\n\n".join(stubs)


def _unannotated(signature):
    parameters = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
    return signature.replace(parameters=parameters, return_annotation=signature.empty)


def write(tmp_path, source, name="submission.py"):
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path
