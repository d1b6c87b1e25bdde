"""From the two fixpoints (every share at its lower bound, every share at its upper bound) to a status.

Restricted under the lower bounds: ``restricted``. Restricted only under the upper bounds (which
also count the parties of unknown country as seeds): ``possible`` (goes to review). Otherwise
``clear``, unless the restricted owners' stake under the upper bounds reaches the rule's review
tier (``possible``). Raising a share never un-restricts anyone, so the lower-bound set is inside
the upper-bound set. A rule that cannot restrict some owned entities (BIS: U.S. entities) leaves
them ``clear`` unless they are seeds themselves; an entity whose country is unknown cannot be
shown exempt, so it is ``possible`` at most.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from ownergate.ownership.fixpoint import Fixpoint
from ownergate.ownership.graph import BoolArray


class Status(StrEnum):
    CLEAR = "clear"
    POSSIBLE = "possible"
    RESTRICTED = "restricted"


#: status codes in the status array, in order of severity
CODES: tuple[Status, ...] = (Status.CLEAR, Status.POSSIBLE, Status.RESTRICTED)


def combine(
    lower: Fixpoint,
    upper: Fixpoint,
    review: BoolArray | None = None,
    seeds: BoolArray | None = None,
    exempt: tuple[BoolArray, BoolArray] | None = None,
) -> npt.NDArray[np.uint8]:
    """The status code of every node: 2 restricted, 1 possible, 0 clear.

    ``review``: the nodes whose upper stake reaches the review tier; ``exempt``: (exempt,
    undetermined) from :meth:`Rule.exemption`, applied to every node but the ``seeds``."""
    status = np.zeros(lower.restricted.shape[0], np.uint8)
    if review is not None:
        status[review] = 1
    status[upper.restricted] = 1
    status[lower.restricted] = 2
    if exempt is not None:
        free, undetermined = exempt
        others = ~seeds if seeds is not None else np.ones(status.shape, np.bool_)
        status[free & others] = 0
        status[undetermined & others & (status == 2)] = 1
    return status


def adjust(code: int, review: bool, seed: bool, exempt: bool, undetermined: bool) -> int:
    """The scalar form of :func:`combine`'s review tier and exemption, for the incremental resolver."""
    if code == 0 and review:
        code = 1
    if not seed:
        if exempt:
            return 0
        if undetermined and code == 2:
            return 1
    return code
