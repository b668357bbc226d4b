"""Python SDK for the Pilotdeck gRPC API.

    import pilotdeck_client as pd
    with pd.connect("http://127.0.0.1:5080", pd.client_credentials(ID, SECRET),
                    auth_url="http://127.0.0.1:5082") as api:
        me = api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

On asyncio, `async with pd.connect_async(...) as api:` and `await` each call.
"""

from .calls import retryable_methods, service_config
from .client import AsyncPilotdeck, Pilotdeck, connect, connect_async
from .credentials import Credentials, client_credentials, password, token
from .errors import PilotdeckError, decode_error, reason_of
from .protos.pilotdeck.api.v1 import access_pb2, error_reason_pb2
from .protos.pilotdeck.backlog.v1 import backlog_pb2
from .protos.pilotdeck.cohorts.v1 import cohorts_pb2, followups_pb2
from .protos.pilotdeck.feedback.v1 import feedback_pb2
from .protos.pilotdeck.guardian.v1 import guardian_pb2
from .protos.pilotdeck.identity.v1 import identity_pb2
from .protos.pilotdeck.imports.v1 import imports_pb2
from .protos.pilotdeck.jobs.v1 import jobs_pb2
from .protos.pilotdeck.notifications.v1 import notifications_pb2
from .protos.pilotdeck.policy.v1 import approvals_pb2, policy_pb2
from .protos.pilotdeck.receipts.v1 import receipts_pb2
from .protos.pilotdeck.retention.v1 import retention_pb2
from .protos.pilotdeck.sessions.v1 import sessions_pb2
from .protos.pilotdeck.system.v1 import system_pb2
from .tokens import AuthError, TokenSet
from .uploads import analyze_project_requests, upload_attachment_requests, upload_import_requests

__all__ = ["connect", "connect_async", "Pilotdeck", "AsyncPilotdeck", "Credentials", "client_credentials", "password", "token", "decode_error",
           "reason_of", "analyze_project_requests", "upload_attachment_requests", "upload_import_requests", "PilotdeckError",
           "AuthError", "TokenSet", "retryable_methods", "service_config",
           "access_pb2", "approvals_pb2", "backlog_pb2", "cohorts_pb2", "error_reason_pb2", "feedback_pb2", "followups_pb2",
           "guardian_pb2", "identity_pb2", "imports_pb2", "jobs_pb2", "notifications_pb2", "policy_pb2", "receipts_pb2",
           "retention_pb2", "sessions_pb2", "system_pb2"]
