"""Large answers decoded straight from bytes into the typed values (docs/architecture.md,
The client).

A group of 2,000 VMs with ``view=overview`` is some two megabytes of JSON; ``json.loads``
and the ``Reader`` checks of ``from_json`` took several times longer over it than BigV took
to send it. msgspec reads the bytes once into the public dataclasses themselves, checking
every type as it goes (``python -m bench.decode`` has the figures).

That is exact only because, for each type read this way, the dataclass says no more than
``from_json`` does: every field is a key ``from_json`` reads under the same name; a field
without a default is one msgspec requires, and a field with one is read by ``from_json``
with that same default; unknown keys are ignored; strict typing refuses JSON ``true`` for an
integer and ``1.0`` for either. The dataclasses say *less* in places (``from_json`` also
takes a null ``label`` or a missing ``power_on``), which only means msgspec refuses a body
that ``from_json`` would accept. One key is read beyond the fields: a backup schedule's
``start_date``, when ``start_at`` is empty (docs/bigv-api.md §13, C23); an answer with such a
schedule is refused here too. tests/bigv/test_fast_decode.py holds all of this to account.

Whatever is refused here (a wrong type, a null, malformed JSON, a duplicated key of the
wrong type) the caller reads again the reference way, ``json.loads`` and ``from_json``, whose
errors name ``what.key`` as they always have. A good answer is read once; a large one equal
byte for byte to one read a moment before is not read again (``_kept_answers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import msgspec

from ._json import ListOf
from ._kept_answers import KeptAnswers
from .backup_types import Backup
from .types import Account, Disc, Group, NetworkInterface, VirtualMachine

#: What a typed parser raises for a body it does not read: msgspec's DecodeError and
#: ValidationError, a body that is not UTF-8, and a schedule that may need ``start_date``.
Refused = ValueError

TypedParser = Callable[[bytes], Any]
# Large answers already decoded, by their bytes (_kept_answers.py): shared by every reader.
KEPT = KeptAnswers()
Discs = Callable[[Any], Iterable[Disc]]


def _no_discs(_: object) -> Iterable[Disc]:
    return ()


# Where the backup schedules are in each type: every disc it holds.
_READ_DIRECTLY: dict[Callable[[Any], Any], tuple[type[Any], Discs]] = {
    Account.from_json: (
        Account,
        lambda a: (d for g in a.groups for vm in g.virtual_machines for d in vm.discs),
    ),
    Group.from_json: (Group, lambda g: (d for vm in g.virtual_machines for d in vm.discs)),
    VirtualMachine.from_json: (VirtualMachine, lambda vm: vm.discs),
    Disc.from_json: (Disc, lambda d: (d,)),
    NetworkInterface.from_json: (NetworkInterface, _no_discs),
    Backup.from_json: (Backup, _no_discs),
}


def _reader(cls: type[Any], discs: Discs, *, many: bool) -> TypedParser:
    shape: Any = list[cls] if many else cls  # type: ignore[valid-type]
    decoder = msgspec.json.Decoder(shape)

    def decode(content: bytes) -> Any:
        value = decoder.decode(content)
        # from_json reads start_at or else start_date: where start_at is empty it may have
        # read a start_date that msgspec dropped as unknown.
        for item in value if many else (value,):
            if not all(s.start_at for d in discs(item) for s in d.backup_schedules):
                raise Refused("a backup schedule without start_at")
        return value

    def read(content: bytes) -> Any:
        value = KEPT.decoded(content, decode)
        # A kept list is shared: each caller gets a list of its own (the items are frozen).
        return list(value) if many else value

    return read


_ONE = {parse: _reader(cls, discs, many=False) for parse, (cls, discs) in _READ_DIRECTLY.items()}
_MANY = {parse: _reader(cls, discs, many=True) for parse, (cls, discs) in _READ_DIRECTLY.items()}


def typed_parser(parse: Callable[[Any], Any]) -> TypedParser | None:
    """What reads a body straight from bytes to what ``parse`` makes of it (``list_of``
    arrays included), or None where ``parse`` has no such reader: the body then goes through
    ``json.loads``. The reader raises ``Refused`` for any body it does not read."""
    if isinstance(parse, ListOf):
        return _MANY.get(parse.item)
    return _ONE.get(parse)
