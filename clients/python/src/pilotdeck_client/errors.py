"""Pilotdeck's structured errors: google.rpc.Status in the `grpc-status-details-bin` trailer."""

import dataclasses
from typing import Dict, List, Optional, Tuple

import grpc

from .protos.google.rpc import error_details_pb2, status_pb2

STATUS_DETAILS_KEY = "grpc-status-details-bin"
ERROR_DOMAIN = "pilotdeck"


@dataclasses.dataclass(frozen=True)
class PilotdeckError:
    """What a failed call says, decoded.

    code: the gRPC status; reason: ErrorInfo.reason (see docs/api/error-reasons.md), None when the
    error carries no ErrorInfo; metadata: ErrorInfo.metadata (e.g. required_role, id);
    field_violations: BadRequest's (field, description) pairs, for validation failures.
    """

    code: grpc.StatusCode
    message: str
    reason: Optional[str] = None
    metadata: Dict[str, str] = dataclasses.field(default_factory=dict)
    field_violations: List[Tuple[str, str]] = dataclasses.field(default_factory=list)

    @property
    def fields(self) -> List[str]:
        return [field for field, _ in self.field_violations]


def decode_error(rpc_error: grpc.RpcError) -> PilotdeckError:
    """Decodes any grpc.RpcError; errors without rich details (e.g. from a proxy) give just code and message."""
    code, message = rpc_error.code(), rpc_error.details() or ""
    raw = None
    for key, value in rpc_error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            raw = value
    if raw is None:
        return PilotdeckError(code, message)
    status = status_pb2.Status.FromString(raw)
    reason, metadata, violations = None, {}, []
    for detail in status.details:
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        if detail.Unpack(info):
            reason, metadata = info.reason, dict(info.metadata)
        elif detail.Unpack(bad_request):
            violations += [(v.field, v.description) for v in bad_request.field_violations]
    return PilotdeckError(code, status.message or message, reason, metadata, violations)


def reason_of(rpc_error: grpc.RpcError) -> Optional[str]:
    """Just the ErrorInfo reason, e.g. to branch on TOKEN_EXPIRED."""
    return decode_error(rpc_error).reason
