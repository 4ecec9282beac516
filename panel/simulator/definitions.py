"""The body of ``GET /definitions`` (docs/bigv-api.md §6.10), embedded as data.

Source: the published example (BC:lib/definition_calls_test.go, kept in
tests/bigv/fixtures/definitions.json), plus newer values: the ``stretch``/``buster``/
``bookworm`` distributions (stretch is DMD's default image) and the ``virtio2018`` hardware
profile (named in BC's help).
"""

from __future__ import annotations

import copy
from typing import Any

DISTRIBUTION_DESCRIPTIONS: dict[str, str] = {
    "centos5": "CentOS 5 (64 bit)",
    "symbiosis": "Symbiosis 7 (64 bit)",
    "centos6": "CentOS 6 (64 bit)",
    "centos7": "CentOS 7 (64 bit)",
    "jessie": "Debian 8 (64 bit)",
    "precise": "Ubuntu 12.04 (64 bit)",
    "trusty": "Ubuntu 14.04 (64 bit)",
    "utopic": "Ubuntu 14.10 (64 bit)",
    "vivid": "Ubuntu 15.04 (64 bit)",
    "wheezy": "Debian 7 (64 bit)",
    "winstd2012": "Windows Server Standard 2012 (64 bit)",
    "winweb2k8r2": "Windows Web Server 2008R2 (64 bit)",
    "stretch": "Debian 9 (64 bit)",
    "buster": "Debian 10 (64 bit)",
    "bookworm": "Debian 12 (64 bit)",
}

DISTRIBUTIONS: list[str] = [
    "centos5",
    "centos6",
    "winstd2012",
    "centos7",
    "jessie",
    "precise",
    "symbiosis",
    "trusty",
    "utopic",
    "vivid",
    "wheezy",
    "winweb2k8r2",
    "stretch",
    "buster",
    "bookworm",
]

STORAGE_GRADES: list[str] = ["sata", "ssd", "archive"]
STORAGE_GRADE_DESCRIPTIONS: dict[str, str] = {
    "ssd": "Premium SSD",
    "archive": "Archive storage",
    "sata": "Standard SSD",
}
ZONE_NAMES: list[str] = ["manchester", "york"]
HARDWARE_PROFILES: list[str] = ["virtio2013", "compatibility2013", "virtio2018"]

# In the order the published definitions give them.
KEYMAPS: list[str] = [
    "ar",
    "de-ch",
    "es",
    "fo",
    "fr-ca",
    "hu",
    "ja",
    "mk",
    "no",
    "pt-br",
    "sv",
    "da",
    "en-gb",
    "et",
    "fr",
    "fr-ch",
    "is",
    "lt",
    "nl",
    "pl",
    "ru",
    "th",
    "de",
    "en-us",
    "fi",
    "fr-be",
    "hr",
    "it",
    "lv",
    "nl-be",
    "pt",
    "sl",
    "tr",
]

SENDKEYS: list[str] = [
    "shift",
    "shift_r",
    "alt",
    "alt_r",
    "altgr",
    "altgr_r",
    "ctrl",
    "ctrl_r",
    "menu",
    "esc",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "0",
    "minus",
    "equal",
    "backspace",
    "tab",
    "q",
    "w",
    "e",
    "r",
    "t",
    "y",
    "u",
    "i",
    "o",
    "p",
    "ret",
    "a",
    "s",
    "d",
    "f",
    "g",
    "h",
    "j",
    "k",
    "l",
    "z",
    "x",
    "c",
    "v",
    "b",
    "n",
    "m",
    "comma",
    "dot",
    "slash",
    "asterisk",
    "spc",
    "caps_lock",
    "f1",
    "f2",
    "f3",
    "f4",
    "f5",
    "f6",
    "f7",
    "f8",
    "f9",
    "f10",
    "f11",
    "f12",
    "num_lock",
    "scroll_lock",
    "kp_divide",
    "kp_multiply",
    "kp_subtract",
    "kp_add",
    "kp_enter",
    "kp_decimal",
    "sysrq",
    "kp_0",
    "kp_1",
    "kp_2",
    "kp_3",
    "kp_4",
    "kp_5",
    "kp_6",
    "kp_7",
    "kp_8",
    "kp_9",
    "print",
    "home",
    "pgup",
    "pgdn",
    "end",
    "left",
    "up",
    "down",
    "right",
    "insert",
    "delete",
]

# "del" is accepted as an alias of "delete": BC/PY sent ctrl-alt-del (docs/bigv-api.md §13, C20).
SENDKEY_ALIASES: dict[str, str] = {"del": "delete"}

DEFAULT_STORAGE_GRADE = "sata"

_DEFINITIONS: list[dict[str, Any]] = [
    {"id": "distributions", "data": DISTRIBUTIONS},
    {"id": "storage_grades", "data": STORAGE_GRADES},
    {"id": "zone_names", "data": ZONE_NAMES},
    {"id": "distribution_descriptions", "data": DISTRIBUTION_DESCRIPTIONS},
    {"id": "storage_grade_descriptions", "data": STORAGE_GRADE_DESCRIPTIONS},
    {"id": "hardware_profiles", "data": HARDWARE_PROFILES},
    {"id": "keymaps", "data": KEYMAPS},
    {"id": "sendkeys", "data": SENDKEYS},
]


def definitions() -> list[dict[str, Any]]:
    """A fresh copy, so a caller can never mutate the module's data."""
    return copy.deepcopy(_DEFINITIONS)


def sendkey_valid(data: object) -> bool:
    """``data`` is dash-separated key names, each in ``sendkeys`` (or an alias)."""
    if not isinstance(data, str) or not data:
        return False
    keys = data.split("-")
    return all(SENDKEY_ALIASES.get(k, k) in SENDKEYS for k in keys)
