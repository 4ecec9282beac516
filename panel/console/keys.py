"""SSH keys as the panel shows and makes them: fingerprints, comments, and console key pairs.

A console key pair is made here, on the server, with ``cryptography`` (Ed25519, OpenSSH
formats): the private half is sealed at once with the credential keys and bound to its panel
user, like a stored BigV token (``panel.credentials.crypto``), so a copied row opens for
nobody else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from panel.bigv.ssh_keys import key_identity
from panel.core import sealing

UNUSABLE = (
    "The panel can no longer open your console key (its encryption keys changed): remove it "
    "and make a new one."
)


class ConsoleKeyUnusable(Exception):
    """The sealed private half cannot be opened (a key was rotated away, or it is another
    person's): the person removes the key and makes a new one."""


@dataclass(frozen=True, slots=True)
class ListedKey:
    """One line of a BigV user's ``authorized_keys``, as the SSH keys section lists it."""

    line: str
    key_type: str
    fingerprint: str  # "SHA256:…" as ``ssh-keygen -l`` prints it; "" when not a key
    comment: str

    @property
    def identity(self) -> tuple[str, str] | None:
        return key_identity(self.line)

    @property
    def line_id(self) -> str:
        """Names the line in a form, whatever it holds (a line that is no key included)."""
        return line_id(self.line)

    @property
    def label(self) -> str:
        return self.fingerprint or self.comment or self.line[:40]


def fingerprint(line: str) -> str:
    """OpenSSH's SHA-256 fingerprint of a public-key line ("" if its key is not base64)."""
    identity = key_identity(line)
    if identity is None:
        return ""
    try:
        blob = base64.b64decode(identity[1], validate=True)
    except (binascii.Error, ValueError):
        return ""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def line_id(line: str) -> str:
    return hashlib.sha256(line.strip().encode()).hexdigest()[:32]


def listed(line: str) -> ListedKey:
    fields = line.split(None, 2)
    return ListedKey(
        line=line,
        key_type=fields[0] if fields else "",
        fingerprint=fingerprint(line),
        comment=fields[2].strip() if len(fields) == 3 else "",
    )


@dataclass(frozen=True, slots=True)
class KeyPair:
    public_line: str  # "ssh-ed25519 AAAA… comment"
    private_openssh: str  # "-----BEGIN OPENSSH PRIVATE KEY-----…"

    def __repr__(self) -> str:  # never let a traceback or log line show the private half
        return f"KeyPair(public_line={self.public_line!r}, private_openssh='***')"


def new_key_pair(comment: str) -> KeyPair:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    private_text = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    return KeyPair(
        public_line=f"{public.decode()} {comment}", private_openssh=private_text.decode()
    )


def seal_private_key(*, user_id: int, private_openssh: str) -> str:
    return sealing.seal({"u": user_id, "console_key": private_openssh})


def open_private_key(*, user_id: int, sealed: str) -> str:
    try:
        payload = sealing.unseal(sealed)
    except sealing.Unsealable as error:
        raise ConsoleKeyUnusable(UNUSABLE) from error
    text = payload.get("console_key")
    if payload.get("u") != user_id or not isinstance(text, str):
        raise ConsoleKeyUnusable(UNUSABLE)
    return text
