"""From the two fixpoints (every share at its lower bound, every share at its upper bound) to a status.

Restricted under the lower bounds: ``restricted``. Restricted only under the upper bounds:
``possible`` (goes to review). Otherwise ``clear``. Raising a share never un-restricts anyone,
so the lower-bound set is inside the upper-bound set.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ownergate.ownership.fixpoint import Fixpoint


class Status(StrEnum):
    CLEAR = "clear"
    POSSIBLE = "possible"
    RESTRICTED = "restricted"


#: status codes in the status array, in order of severity
CODES: tuple[Status, ...] = (Status.CLEAR, Status.POSSIBLE, Status.RESTRICTED)


def combine(lower: Fixpoint, upper: Fixpoint) -> npt.NDArray[np.uint8]:
    """The status code of every node: 2 restricted, 1 possible, 0 clear."""
    status = np.zeros(lower.restricted.shape[0], np.uint8)
    status[upper.restricted] = 1
    status[lower.restricted] = 2
    return status
