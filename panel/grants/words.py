"""What a privilege lets someone do, in words: the confirmations and the access pages say
"viewer will be able to open web1's console", not "vm_console on 7"."""

from __future__ import annotations

from collections.abc import Sequence

from panel.access.levels import Level
from panel.grants.targets import Place

SECOND_FACTOR = "a YubiKey (or a one-time code)"


def ability(level: Level, place: Place) -> str:
    """What ``level`` on ``place`` allows, after "will be able to"."""
    if level == Level.VM_CONSOLE:
        return f"open {place.vm}'s console"
    if level == Level.VM_ADMIN:
        return f"change {place.vm} — power, settings, discs, addresses — and open its console"
    if level == Level.GROUP_ADMIN:
        return f"create, delete and move VMs in group {place.group}, and change every VM in it"
    if level == Level.ACCOUNT_ADMIN:
        return f"manage everything in account {place.account}: its groups and every VM in them"
    return f"act as {level.label} on {place.name}"


def who(bigv_username: str, people: Sequence[str]) -> str:
    """The BigV user, with the panel people connected as it: "viewer (bob in the panel)"."""
    if not people:
        return bigv_username
    return f"{bigv_username} ({', '.join(people)} in the panel)"


def granting(name: str, level: Level, place: Place, *, yubikey: bool) -> list[str]:
    sentences = [f"{name} will be able to {ability(level, place)}."]
    if yubikey:
        sentences.append(f"Using it will need {SECOND_FACTOR} when they log in to BigV.")
    return sentences


def revoking(name: str, level: Level, place: Place, *, key_id: int | None) -> str:
    through = f" through API key {key_id}" if key_id is not None else ""
    return (
        f"{name} will no longer be able to {ability(level, place)}{through}, "
        "unless another of their privileges allows it."
    )


def yubikey_change(name: str, level: Level, place: Place, *, required: bool) -> str:
    if required:
        return (
            f"{name} will need {SECOND_FACTOR} when they log in to BigV to use "
            f"{level.label} on {place.name}; a password alone will no longer do."
        )
    return (
        f"{name} will be able to use {level.label} on {place.name} after a password login, "
        f"without {SECOND_FACTOR}."
    )


def keys_do_not_gain(people_with_keys: Sequence[str], bigv_username: str) -> str:
    """Why panel people connected with an API key see no change (§3.5, §13 C67)."""
    names = ", ".join(people_with_keys)
    return (
        f"{names} {'is' if len(people_with_keys) == 1 else 'are'} connected to the panel with "
        f"an API key of {bigv_username}. An API key acts only through privileges granted to "
        "that key, so their pages will not change; connecting with a username and password "
        "would use this privilege."
    )
