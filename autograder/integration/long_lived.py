"""What nbgrader's process imported lives until it exits: Python's garbage collector need not go over it again.

Once nbgrader has read the course's configuration, its process holds about 140,000 objects the
collector tracks, nearly all of them modules, classes and functions that live as long as it
does. The collector goes over every one at each full collection, and again in each of the
passes it makes as the interpreter exits: a quarter of a second of CPU at the end of every
nbgrader command, whose memory the system takes back at once anyway. ``gc.freeze`` puts the objects alive at that moment out of the
collector's sight; what is made later is collected as before.
"""

import atexit
import gc

_frozen = False


def freeze_what_is_imported() -> None:
    """Freeze the objects alive now, and at exit all of them; once per process, however often it is called.

    Called by nbgrader_config.py, after its imports. nbgrader's assignment list, in a Jupyter
    server, reads the configuration at each request: the server freezes once, what it made since
    is collected as before.
    """
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.freeze()
    atexit.register(gc.freeze)
