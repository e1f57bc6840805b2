"""Params, defined once in student/params.py: the reference, the grader's worker, the self-check
and the notebooks all use that file, which ships beside each notebook (student/ is no package,
so it is loaded here by its path). Named as this module, so that pickles find it here."""

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

_PARAMS_FILE = Path(__file__).resolve().parents[1] / "student" / "params.py"


def _load_as_this_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(__name__, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}, which defines Params, cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if TYPE_CHECKING:
    # the type checker reads the class where it is written; at run time it is loaded by path
    from student.params import Params
else:
    Params = _load_as_this_module(_PARAMS_FILE).Params
