from panel.grants.views.access import access, grant, revoke, yubikey
from panel.grants.views.api_keys import api_key_create, api_key_delete, api_keys

__all__ = ["access", "api_key_create", "api_key_delete", "api_keys", "grant", "revoke", "yubikey"]
