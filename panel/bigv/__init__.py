"""Typed client for the BigV (Bytemark Cloud) brain and auth service.

Depends on ``requests``/``urllib3`` and the standard library only: no Django, nothing else
from ``panel`` (docs/architecture.md, Layers). The API it speaks is described in
docs/bigv-api.md.
"""

from .api_keys import ApiKey, NewApiKey
from .auth import AuthClient, Credentials
from .client import BigVClient
from .errors import (
    ApiError,
    AuthError,
    BadCredentials,
    BadRequest,
    BigVError,
    ConnectionFailed,
    Forbidden,
    InvalidResponse,
    NotFound,
    SecondFactorRejected,
    SecondFactorRequired,
    ServerError,
    TimedOut,
    TransportError,
    Unauthorized,
    Unavailable,
    UnexpectedStatus,
)
from .network import IpAllocation, IpSwap
from .privileges import LEVELS, PrivilegeGrant
from .specs import BackupScheduleSpec, DiscSpec, ImageInstall, VirtualMachineSpec
from .transport import ClientConfig
from .types import (
    Account,
    Appliance,
    Backup,
    BackupSchedule,
    Definitions,
    Disc,
    Group,
    Ip,
    NetworkInterface,
    Privilege,
    SessionInfo,
    User,
    VirtualMachine,
)

__all__ = [
    "LEVELS",
    "Account",
    "ApiError",
    "ApiKey",
    "Appliance",
    "AuthClient",
    "AuthError",
    "Backup",
    "BackupSchedule",
    "BackupScheduleSpec",
    "BadCredentials",
    "BadRequest",
    "BigVClient",
    "BigVError",
    "ClientConfig",
    "ConnectionFailed",
    "Credentials",
    "Definitions",
    "Disc",
    "DiscSpec",
    "Forbidden",
    "Group",
    "ImageInstall",
    "InvalidResponse",
    "Ip",
    "IpAllocation",
    "IpSwap",
    "NetworkInterface",
    "NewApiKey",
    "NotFound",
    "Privilege",
    "PrivilegeGrant",
    "SecondFactorRejected",
    "SecondFactorRequired",
    "ServerError",
    "SessionInfo",
    "TimedOut",
    "TransportError",
    "Unauthorized",
    "Unavailable",
    "UnexpectedStatus",
    "User",
    "VirtualMachine",
    "VirtualMachineSpec",
]
