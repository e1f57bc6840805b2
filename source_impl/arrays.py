"""The array types of the kit's annotations: float64 arrays and integer labels, any shape.

Shapes are in each function's docstring; NumPy's annotations cannot yet say them usefully.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int_]

__all__ = ["Array", "ArrayLike", "IntArray"]
