"""What changes BigV privileges and API keys (validate → check → call → audit → return)."""

from panel.grants.services.api_keys import CreatedKey, api_key_create, api_key_delete
from panel.grants.services.privileges import (
    privilege_grant,
    privilege_revoke,
    privilege_set_yubikey,
)

__all__ = [
    "CreatedKey",
    "api_key_create",
    "api_key_delete",
    "privilege_grant",
    "privilege_revoke",
    "privilege_set_yubikey",
]
