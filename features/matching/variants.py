"""The names a listed name stands for: lists pack aliases into brackets.

"PJSC Sberbank (Public Joint-Stock Company Sberbank)" is listed as one name but is screened
as three: the whole, the name outside the brackets and the one inside. Applied to listed
names only; a party's name is compared whole (its brackets more often hold a branch or a city).
"""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
# Words that introduce an alias inside brackets, not part of it.
_ALIAS_MARKER = re.compile(r"^\s*(a\.?k\.?a\.?|f\.?k\.?a\.?|n\.?k\.?a\.?|formerly|also known as|previously)\s*[:.]?\s*", re.I)


def listed_name_variants(name: str) -> list[str]:
    """`name`, then the name without its bracketed parts, then each bracketed part (aliases)."""
    inner = [_ALIAS_MARKER.sub("", part).strip() for part in _BRACKETED.findall(name)]
    if not inner:
        return [name]
    outer = " ".join(_BRACKETED.sub(" ", name).split())
    return list(dict.fromkeys(v for v in (name, outer, *inner) if v))
