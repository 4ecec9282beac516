"""Forms for the direct VM actions. Everything here is checked before any API call.

Choices that come from BigV (keymaps, sendkeys, storage grades) are passed in as the cached
``Definitions``; the forms never fetch anything themselves (docs/architecture.md, Layers).

``shown_*`` hidden fields carry the values the page displayed when the user clicked. They are
recorded as the audit entry's *before* (what the actor saw), so an action costs exactly one
API call; the *after* always comes from the API's answer. They are never sent to BigV.
"""

from ._common import MAX_DISC_GIB, MIB_PER_GIB, ShownStateForm, dns_label_errors, hostname_errors
from .discs import DiscCreateForm, DiscDeleteForm, DiscResizeForm
from .network import RdnsForm
from .vm import (
    CdromForm,
    ConfirmForm,
    FlagForm,
    KeymapForm,
    PowerForm,
    PurgeForm,
    RenameForm,
    SendkeyForm,
)

__all__ = [
    "MAX_DISC_GIB",
    "MIB_PER_GIB",
    "CdromForm",
    "ConfirmForm",
    "DiscCreateForm",
    "DiscDeleteForm",
    "DiscResizeForm",
    "FlagForm",
    "KeymapForm",
    "PowerForm",
    "PurgeForm",
    "RdnsForm",
    "RenameForm",
    "SendkeyForm",
    "ShownStateForm",
    "dns_label_errors",
    "hostname_errors",
]
