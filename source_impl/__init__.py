"""Reference implementation of chapter 5 of Zhou Zhihua's *Machine Learning*: the answer key.

The names in ``__all__`` are the student API: every stub in the assignment notebooks has the
same name, parameters and return value, and the graders compare students against these.
Each module lists its part of the API in its own ``__all__``, so that a new reference function
is written in one file; the modules also hold what the kit itself needs (the batch path, data
loaders), which is not graded.
"""

from . import bp, chain_rule, network, perceptron, training
from .bp import *  # noqa: F403
from .chain_rule import *  # noqa: F403
from .network import *  # noqa: F403
from .perceptron import *  # noqa: F403
from .training import *  # noqa: F403

# section 5.2's perceptron, then section 5.3's network, chain rule, standard BP and training;
# in the typing spec's form for a package's exports, which pyright follows (mypy finds the
# names through the star imports)
__all__: list[str] = []
__all__ += perceptron.__all__
__all__ += network.__all__
__all__ += chain_rule.__all__
__all__ += bp.__all__
__all__ += training.__all__
