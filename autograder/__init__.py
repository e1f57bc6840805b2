"""The kit's grading side: the course registry (course.yaml) and, built on it, the hidden graders."""

import importlib.util
from pathlib import Path
from types import ModuleType

__version__ = "0.1.0"  # the kit's, which pyproject.toml reads from here

# The repository: course.yaml, solutions/, assignments/, student/, var/. The one definition of it.
ROOT = Path(__file__).resolve().parent.parent


def student_module(name: str) -> ModuleType:
    """A file of student/ loaded by its path: it ships beside each notebook, and the kit uses that very file."""
    path = ROOT / "student" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
