"""Params, defined once in student/params.py: the reference, the grader's worker, the self-check
and the notebooks all use that file, which ships beside each notebook (student/ is no package,
so it is loaded here by its path). Named as this module, so that pickles find it here."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    __name__, Path(__file__).resolve().parents[1] / "student" / "params.py"
)
_params = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_params)
Params = _params.Params
