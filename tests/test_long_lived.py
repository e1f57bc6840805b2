"""nbgrader's process, once it has read the course's configuration, leaves what it imported to live: the
garbage collector skips it during the command and at its exit (autograder/integration/long_lived.py)."""

import subprocess
import sys

from autograder import ROOT

# Reads nbgrader_config.py as nbgrader does, twice (nbgrader's assignment list in a Jupyter server
# reads it at each request), the second time with a thousand objects made since the first; reports
# what the collector still tracks at exit (the handler registered first runs last).
READ_THE_CONFIGURATION = """
import atexit, gc
atexit.register(lambda: print("tracked at exit", len(gc.get_objects())))
from traitlets.config.loader import PyFileConfigLoader
before = gc.get_freeze_count()
PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
once = gc.get_freeze_count()
made_since = [[] for _ in range(1000)]
PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
print("frozen", before, once, gc.get_freeze_count())
"""


def test_the_configuration_freezes_what_was_imported_once_and_everything_at_exit():
    result = subprocess.run(
        [sys.executable, "-c", READ_THE_CONFIGURATION],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    frozen = next(line for line in result.stdout.splitlines() if line.startswith("frozen "))
    before, once, twice = map(int, frozen.split()[1:])
    assert before == 0
    assert once > 10_000  # nbgrader's and the kit's modules, classes and functions
    # the second reading froze nothing: what was made since is collected as before
    assert twice == once
    assert "tracked at exit 0" in result.stdout.splitlines()
