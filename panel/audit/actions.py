"""The audit vocabulary: what happened (``Action``) and how it ended (``Outcome``).

A fixed vocabulary, not free text: the audit page filters on it, exports are grepped for it,
and a typo in a service (``vm.poweroff``) must fail loudly in tests rather than create an
action nobody will ever search for. ``record()`` refuses values outside these enums.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    AUTH_LOGIN_FAILED = "auth.login_failed"
    AUTH_LOCKED_OUT = "auth.locked_out"
    AUTH_UNLOCKED = "auth.unlocked"
    AUTH_PASSWORD_CHANGE = "auth.password_change"  # noqa: S105  (an action name)
    AUTHZ_DENIED = "authz.denied"
    CREDENTIALS_CONNECT = "credentials.connect"
    CREDENTIALS_DISCONNECT = "credentials.disconnect"
    CREDENTIALS_REJECTED = "credentials.rejected"
    CREDENTIALS_SECOND_FACTOR = "credentials.second_factor"
    GROUP_CREATE = "group.create"
    GROUP_RENAME = "group.rename"
    GROUP_DELETE = "group.delete"
    VM_CREATE = "vm.create"
    VM_UPDATE = "vm.update"
    VM_RENAME = "vm.rename"
    VM_POWER_ON = "vm.power_on"
    VM_POWER_OFF = "vm.power_off"
    VM_REBOOT = "vm.reboot"
    VM_POWERDOWN = "vm.acpi_powerdown"
    VM_RESET = "vm.reset"
    VM_SENDKEY = "vm.sendkey"
    VM_CDROM = "vm.cdrom"
    VM_KEYMAP = "vm.keymap"
    VM_HARDWARE_PROFILE = "vm.hardware_profile"
    VM_AUTOREBOOT = "vm.autoreboot"
    VM_MOVE = "vm.move"
    VM_REIMAGE = "vm.reimage"
    VM_DELETE = "vm.delete"
    VM_UNDELETE = "vm.undelete"
    VM_PURGE = "vm.purge"
    DISC_CREATE = "disc.create"
    DISC_RESIZE = "disc.resize"
    DISC_DELETE = "disc.delete"
    BACKUP_CREATE = "backup.create"
    BACKUP_DELETE = "backup.delete"
    BACKUP_RESTORE = "backup.restore"
    BACKUP_SCHEDULE_CREATE = "backup_schedule.create"
    BACKUP_SCHEDULE_DELETE = "backup_schedule.delete"
    IP_RDNS = "ip.rdns"
    IP_CREATE = "ip.create"
    IP_DELETE = "ip.delete"
    IP_SWAP = "ip.swap"
    DISC_MOVE = "disc.move"
    VM_RESCUE = "vm.rescue"
    VM_RESCUE_LEAVE = "vm.rescue_leave"
    PRIVILEGE_GRANT = "privilege.grant"
    PRIVILEGE_REVOKE = "privilege.revoke"
    PRIVILEGE_YUBIKEY = "privilege.yubikey"
    API_KEY_CREATE = "api_key.create"
    API_KEY_DELETE = "api_key.delete"
    SSH_KEY_ADD = "ssh_key.add"
    SSH_KEY_DELETE = "ssh_key.delete"
    CONSOLE_KEY_CREATE = "console_key.create"
    CONSOLE_KEY_REMOVE = "console_key.remove"
    CONSOLE_OPEN = "console.open"
    CONSOLE_CLOSE = "console.close"
    OPERATION_START = "operation.start"
    OPERATION_STEP = "operation.step"
    OPERATION_CANCEL = "operation.cancel"
    OPERATION_FINISH = "operation.finish"
    OPERATION_RESUMED = "operation.resumed"
    INVENTORY_EXPORT = "inventory.export"
    NOTIFICATIONS_SETTINGS = "notifications.settings"
    NOTIFICATION_SEND = "notification.send"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS: dict[Action, str] = {
    Action.AUTH_LOGIN: "Signed in",
    Action.AUTH_LOGOUT: "Signed out",
    Action.AUTH_LOGIN_FAILED: "Sign-in failed",
    Action.AUTH_LOCKED_OUT: "Locked out",
    Action.AUTH_UNLOCKED: "Login lock lifted",
    Action.AUTH_PASSWORD_CHANGE: "Password changed",
    Action.AUTHZ_DENIED: "Access denied",
    Action.CREDENTIALS_CONNECT: "BigV credentials connected",
    Action.CREDENTIALS_DISCONNECT: "BigV credentials disconnected",
    Action.CREDENTIALS_REJECTED: "BigV credentials rejected",
    Action.CREDENTIALS_SECOND_FACTOR: "BigV asked for a second factor",
    Action.GROUP_CREATE: "Group created",
    Action.GROUP_RENAME: "Group renamed",
    Action.GROUP_DELETE: "Group deleted",
    Action.VM_CREATE: "VM created",
    Action.VM_UPDATE: "VM updated",
    Action.VM_RENAME: "VM renamed",
    Action.VM_POWER_ON: "VM powered on",
    Action.VM_POWER_OFF: "VM powered off",
    Action.VM_REBOOT: "VM rebooted",
    Action.VM_POWERDOWN: "VM ACPI power-down",
    Action.VM_RESET: "VM reset",
    Action.VM_SENDKEY: "Keys sent to VM",
    Action.VM_CDROM: "VM CD-ROM changed",
    Action.VM_KEYMAP: "VM keymap changed",
    Action.VM_HARDWARE_PROFILE: "VM hardware profile changed",
    Action.VM_AUTOREBOOT: "VM auto-reboot changed",
    Action.VM_MOVE: "VM moved",
    Action.VM_REIMAGE: "VM reimaged",
    Action.VM_DELETE: "VM deleted",
    Action.VM_UNDELETE: "VM undeleted",
    Action.VM_PURGE: "VM purged",
    Action.DISC_CREATE: "Disc created",
    Action.DISC_RESIZE: "Disc resized",
    Action.DISC_DELETE: "Disc deleted",
    Action.BACKUP_CREATE: "Disc backed up",
    Action.BACKUP_DELETE: "Backup deleted",
    Action.BACKUP_RESTORE: "Backup restored onto its disc",
    Action.BACKUP_SCHEDULE_CREATE: "Backup schedule added",
    Action.BACKUP_SCHEDULE_DELETE: "Backup schedule removed",
    Action.IP_RDNS: "Reverse DNS changed",
    Action.IP_CREATE: "IP address added",
    Action.IP_DELETE: "IP address removed",
    Action.IP_SWAP: "Addresses swapped between VMs",
    Action.DISC_MOVE: "Disc moved to another VM",
    Action.VM_RESCUE: "VM booted into the rescue appliance",
    Action.VM_RESCUE_LEAVE: "VM restarted from its discs after rescue",
    Action.PRIVILEGE_GRANT: "BigV privilege granted",
    Action.PRIVILEGE_REVOKE: "BigV privilege revoked",
    Action.PRIVILEGE_YUBIKEY: "BigV privilege's YubiKey requirement changed",
    Action.API_KEY_CREATE: "BigV API key created",
    Action.API_KEY_DELETE: "BigV API key deleted",
    Action.SSH_KEY_ADD: "SSH key added to BigV user",
    Action.SSH_KEY_DELETE: "SSH key removed from BigV user",
    Action.CONSOLE_KEY_CREATE: "Panel console key created",
    Action.CONSOLE_KEY_REMOVE: "Panel console key removed",
    Action.CONSOLE_OPEN: "Console opened",
    Action.CONSOLE_CLOSE: "Console closed",
    Action.OPERATION_START: "Operation started",
    Action.OPERATION_STEP: "Operation step",
    Action.OPERATION_CANCEL: "Operation cancelled",
    Action.OPERATION_FINISH: "Operation finished",
    Action.OPERATION_RESUMED: "Operation resumed after a lost worker",
    Action.INVENTORY_EXPORT: "VM table exported",
    Action.NOTIFICATIONS_SETTINGS: "Notification settings changed",
    Action.NOTIFICATION_SEND: "Notification sent",
}


class Outcome(StrEnum):
    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUSED = "refused"  # the BigV API said no (4xx)
    DENIED = "denied"  # the panel itself said no (authz, lockout)
    COMPENSATED = "compensated"  # an operation undid its own earlier step
    CANCELLED = "cancelled"
    # A write was sent (or about to be) and no result was recorded: the process stopped in
    # between, or something other than BigV failed after the call. It may have reached BigV.
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS.get(self, self.value.capitalize())


_OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.UNKNOWN: "Outcome unknown",
}


def action_label(value: str) -> str:
    """The human label for a stored action; unknown values (a retired action) show as-is."""
    try:
        return Action(value).label
    except ValueError:
        return value
