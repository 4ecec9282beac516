"""Forms of the VM changes: one VM (spec, move, reimage, graceful power), a new VM, bulk.

Everything is checked here, before any API call; choices that come from BigV are passed in.
"""

from .batch import BatchForm
from .change import GraceForm, MoveForm, SpecForm, parse_vm_keys
from .create import CreateVmForm, disc_formset, disc_specs
from .reimage import ReimageForm

__all__ = [
    "BatchForm",
    "CreateVmForm",
    "GraceForm",
    "MoveForm",
    "ReimageForm",
    "SpecForm",
    "disc_formset",
    "disc_specs",
    "parse_vm_keys",
]
