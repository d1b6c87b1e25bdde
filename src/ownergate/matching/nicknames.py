"""Given names and their common short forms and cross-language equals ("Ben" and "Bibi" for
Benjamin, "Juan" for John), so that a familiar form of a first name still aligns with it.
"""

from __future__ import annotations

_GROUPS = (
    "benjamin ben benny bibi",
    "barack barry",
    "theodore ted teddy theo",
    "john juan johann jon johnny jack ivan",
    "william bill billy will willy wilhelm guillaume",
    "robert bob bobby rob robbie roberto",
    "richard rick dick rich",
    "james jim jimmy jamie",
    "michael mike mikhail mick michel miguel",
    "joseph joe joey giuseppe jose",
    "alexander alex sasha aleksandr alexandre alejandro",
    "elizabeth liz beth betty lisa",
    "edward ed ted eddie",
    "thomas tom tommy",
    "charles charlie chuck carlos",
    "daniel dan danny",
    "david dave",
    "stephen steve steven",
    "christopher chris",
    "nicholas nick nikolai nicolas",
    "peter pete pyotr pedro pierre",
    "anthony tony antonio",
    "margaret maggie meg peggy",
    "katherine kate kathy catherine ekaterina",
    "andrew andy andrei andres",
    "samuel sam",
    "matthew matt",
    "patrick pat",
    "francis frank francisco francois",
    "henry harry hank heinrich",
    "vladimir vova volodymyr",
    "dmitry dima",
    "sergey sergei serge",
    "yevgeny evgeny eugene",
    "mohammed muhammad mohamed mohammad mohamad",
    "osama usama",
    "george georg jorge",
)

_CANON: dict[str, str] = {}
for _group in _GROUPS:
    _names = _group.split()
    for _name in _names:
        _CANON.setdefault(_name, _names[0])


def canonical(token: str) -> str | None:
    """The first form of the given name ``token`` is a form of, if any."""
    return _CANON.get(token)


def same_given_name(a: str, b: str) -> bool:
    """True when two tokens are forms of one given name."""
    ca = _CANON.get(a)
    return ca is not None and ca == _CANON.get(b)
