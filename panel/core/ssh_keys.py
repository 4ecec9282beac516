"""OpenSSH public keys, as pasted into the reimage and create forms: one per line, each
checked the way OpenSSH reads it, so a truncated or mislabelled paste (or a private key) is
refused beside the field instead of producing a VM nobody can log in to."""

from __future__ import annotations

import base64
import binascii
import re

from django.core.exceptions import ValidationError

# The key types OpenSSH accepts in authorized_keys, security keys and certificates included.
_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-ed25519-cert-v01@openssh.com",
    "ssh-rsa-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
)
_KEY_LINE = re.compile(r"^(?P<type>\S+)\s+(?P<blob>[A-Za-z0-9+/]+={0,3})(?:\s+(?P<comment>.*))?$")


def openssh_key_error(line: str) -> str | None:
    """Why ``line`` is not an OpenSSH public key, or None. The base64 blob must decode and
    begin with the same key type (that is how OpenSSH encodes it), which catches pasted
    private keys, truncated keys and typos."""
    match = _KEY_LINE.match(line)
    if match is None:
        return "is not of the form “type key [comment]”"
    key_type = match["type"]
    if key_type not in _KEY_TYPES:
        return f"has an unknown key type “{key_type[:40]}”"
    try:
        blob = base64.b64decode(match["blob"], validate=True)
    except (binascii.Error, ValueError):
        return "has a key that is not valid base64"
    fields = _ssh_strings(blob)
    if not fields or fields[0] != key_type.encode():
        return "has a key that does not match its type (truncated or mistyped?)"
    # A plain key is a whole number of length-prefixed fields (type, then its numbers);
    # a truncated paste is not. Certificates carry other field types: the type check above
    # is what is checked for them.
    if "-cert-" not in key_type and (len(fields) < 2 or None in fields):
        return "is incomplete (truncated while copying?)"
    if key_type == "ssh-ed25519" and len(fields) >= 2 and len(fields[1] or b"") != 32:
        return "is incomplete (truncated while copying?)"
    return None


def _ssh_strings(blob: bytes) -> list[bytes | None]:
    """The SSH wire-format strings of ``blob`` (uint32 length + bytes). A trailing field
    that runs past the end becomes None: the blob was cut short."""
    fields: list[bytes | None] = []
    offset = 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            fields.append(None)
            break
        size = int.from_bytes(blob[offset : offset + 4], "big")
        start, offset = offset + 4, offset + 4 + size
        fields.append(blob[start:offset] if offset <= len(blob) else None)
    return fields


def clean_ssh_keys(value: str) -> str:
    """One key per line; blank lines and # comments are dropped. Returns the clean lines."""
    if "PRIVATE KEY" in value:
        raise ValidationError("That is a private key. Paste the public key (the .pub file).")
    keys: list[str] = []
    errors: list[str] = []
    for number, raw in enumerate(value.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        problem = openssh_key_error(line)
        if problem:
            errors.append(f"Line {number} {problem}.")
        else:
            keys.append(line)
    if errors:
        raise ValidationError(errors)
    return "\n".join(keys)
