"""The terminal's vendored files (static/console/vendor/README.md) and their pinned hashes.

Pages load them with subresource integrity: the browser refuses a file whose bytes are not
the release's, wherever they were served from. The ES modules are reached through an import
map whose ``integrity`` entries pin them (``templatetags/console_tags.py``).
"""

from __future__ import annotations

XTERM_CSS = "console/vendor/xterm-6.0.0/xterm.css"
XTERM_MODULE = "console/vendor/xterm-6.0.0/xterm.mjs"
FIT_MODULE = "console/vendor/addon-fit-0.11.0/addon-fit.mjs"

INTEGRITY = {
    XTERM_CSS: "sha384-n2n7twoohnW+d3myBKaUgl7DSiwidw6MkQy9oesGzkPpMjejKRR3XlnD+5yCdtBD",
    XTERM_MODULE: "sha384-8Xik+BkzF4UFDtZa8HkUiQ0FE/Xl+03xMuv69uQB3ichDzm8dWs4kPRihQxSZDiY",
    FIT_MODULE: "sha384-0/1EW6dUPoaun7dgdlOtb5Wk8x5UQRW6hYM3ihuCCnaA2Xd4HwMFcn378RpxmoAc",
}

# The names the console's own module imports them by.
MODULES = {"@xterm/xterm": XTERM_MODULE, "@xterm/addon-fit": FIT_MODULE}
