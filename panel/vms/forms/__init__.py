"""Forms for the direct VM actions. Everything here is checked before any API call.

Choices that come from BigV (keymaps, sendkeys, storage grades) are passed in as the cached
``Definitions``; the forms never fetch anything themselves (docs/architecture.md, Layers).

No form carries the VM's state: the services read it from BigV before any write (the audit's
*before*); the *after* comes from the API's answer.
"""

from ._common import MAX_DISC_GIB, MIB_PER_GIB, dns_label_errors, hostname_errors
from .discs import DiscCreateForm, DiscDeleteForm, DiscResizeForm
from .network import IpAddForm, IpDeleteForm, RdnsForm
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
    "IpAddForm",
    "IpDeleteForm",
    "KeymapForm",
    "PowerForm",
    "PurgeForm",
    "RdnsForm",
    "RenameForm",
    "SendkeyForm",
    "dns_label_errors",
    "hostname_errors",
]
