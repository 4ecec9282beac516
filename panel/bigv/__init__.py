"""Typed client for the BigV (Bytemark Cloud) brain and auth service.

Depends on ``requests``/``urllib3`` and the standard library only: no Django, nothing else
from ``panel`` (docs/architecture.md, Layers). The API it speaks is described in
docs/bigv-api.md.
"""

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
from .specs import DiscSpec, ImageInstall, VirtualMachineSpec
from .transport import ClientConfig
from .types import (
    Account,
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
    "Account",
    "ApiError",
    "AuthClient",
    "AuthError",
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
    "NetworkInterface",
    "NotFound",
    "Privilege",
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
