"""How the panel names one VM: the three path segments the BigV API addresses it by."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VmRef:
    """``account``/``group``/``vm`` as they appear in the URL (names, as BC sends them;
    docs/bigv-api.md §4.2). The API resolves them, so the panel never keeps ids of its own."""

    account: str
    group: str
    vm: str
    # The numeric id the page showed, when known: audit entries of calls that return no
    # VM (signals, deletes, failures) still need it to appear in the VM's history.
    vm_id: int | None = None

    @property
    def label(self) -> str:
        """ "web1 in demo/web" — the same wording the audit trail uses for targets."""
        return f"{self.vm} in {self.account}/{self.group}"

    def url_kwargs(self) -> dict[str, str]:
        return {"account": self.account, "group": self.group, "vm": self.vm}

    def renamed(self, name: str) -> VmRef:
        return VmRef(account=self.account, group=self.group, vm=name, vm_id=self.vm_id)
