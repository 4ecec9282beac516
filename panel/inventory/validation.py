"""The group-name rule, shared by the form (so bad input never reaches the API) and the
service (so no caller can skip it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from panel.core.names import is_bigv_name

GROUP_NAME_MAX = 63

GROUP_NAME_HELP = (
    "1 to 63 characters: lowercase letters, digits and hyphens; "
    "it may not start or end with a hyphen."
)


def validate_group_name(name: str) -> None:
    if not name:
        raise ValidationError("Enter a group name.", code="required")
    if len(name) > GROUP_NAME_MAX:
        raise ValidationError(
            "Use at most %(max)d characters.", code="max_length", params={"max": GROUP_NAME_MAX}
        )
    # A DNS label: groups appear in hostnames (<vm>.<group>.<account>.uk0.bigv.io).
    if not is_bigv_name(name):
        raise ValidationError(GROUP_NAME_HELP, code="invalid")
