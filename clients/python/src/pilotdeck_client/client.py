"""`connect()` and `connect_async()`: one channel to the API with typed stubs for every service."""

import ipaddress
import urllib.parse
from typing import Optional

import grpc

from . import calls
from .auth import BearerTokenPlugin
from .credentials import Credentials
from .protos.pilotdeck.cohorts.v1 import cohorts_pb2, cohorts_pb2_grpc, followups_pb2, followups_pb2_grpc
from .protos.pilotdeck.backlog.v1 import backlog_pb2, backlog_pb2_grpc
from .protos.pilotdeck.feedback.v1 import feedback_pb2, feedback_pb2_grpc
from .protos.pilotdeck.guardian.v1 import guardian_pb2, guardian_pb2_grpc
from .protos.pilotdeck.identity.v1 import identity_pb2, identity_pb2_grpc
from .protos.pilotdeck.imports.v1 import imports_pb2, imports_pb2_grpc
from .protos.pilotdeck.jobs.v1 import jobs_pb2, jobs_pb2_grpc
from .protos.pilotdeck.notifications.v1 import notifications_pb2, notifications_pb2_grpc
from .protos.pilotdeck.policy.v1 import approvals_pb2, approvals_pb2_grpc, policy_pb2, policy_pb2_grpc
from .protos.pilotdeck.receipts.v1 import receipts_pb2, receipts_pb2_grpc
from .protos.pilotdeck.retention.v1 import retention_pb2, retention_pb2_grpc
from .protos.pilotdeck.sessions.v1 import sessions_pb2, sessions_pb2_grpc
from .protos.pilotdeck.system.v1 import system_pb2, system_pb2_grpc
from .tokens import TokenEndpoint, TokenManager

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_ATTEMPTS = 4
# The server's default limit on a request message (Pilotdeck:Grpc:MaxReceiveMessageBytes).
DEFAULT_MAX_SEND_MESSAGE_BYTES = 4 * 1024 * 1024
CONTRACTS = (system_pb2.DESCRIPTOR, identity_pb2.DESCRIPTOR, guardian_pb2.DESCRIPTOR, jobs_pb2.DESCRIPTOR, receipts_pb2.DESCRIPTOR,
             policy_pb2.DESCRIPTOR, approvals_pb2.DESCRIPTOR, cohorts_pb2.DESCRIPTOR,
             followups_pb2.DESCRIPTOR, feedback_pb2.DESCRIPTOR, backlog_pb2.DESCRIPTOR, notifications_pb2.DESCRIPTOR, imports_pb2.DESCRIPTOR, sessions_pb2.DESCRIPTOR,
             retention_pb2.DESCRIPTOR)


class _Services:
    """The generated stubs of every service over one channel, blocking or asyncio."""

    def __init__(self, channel, tokens: Optional[TokenManager]):
        self.channel = channel
        self.tokens = tokens
        self.system = system_pb2_grpc.SystemServiceStub(channel)
        self.identity = identity_pb2_grpc.IdentityServiceStub(channel)
        self.guardian = guardian_pb2_grpc.GuardianServiceStub(channel)
        self.jobs = jobs_pb2_grpc.JobsServiceStub(channel)
        self.receipts = receipts_pb2_grpc.ReceiptsServiceStub(channel)
        self.policy = policy_pb2_grpc.PolicyServiceStub(channel)
        self.approvals = approvals_pb2_grpc.ApprovalsServiceStub(channel)
        self.cohorts = cohorts_pb2_grpc.CohortsServiceStub(channel)
        self.followups = followups_pb2_grpc.FollowupsServiceStub(channel)
        self.feedback = feedback_pb2_grpc.FeedbackServiceStub(channel)
        self.backlog = backlog_pb2_grpc.BacklogServiceStub(channel)
        self.notifications = notifications_pb2_grpc.NotificationsServiceStub(channel)
        self.imports = imports_pb2_grpc.ImportsServiceStub(channel)
        self.sessions = sessions_pb2_grpc.SessionsServiceStub(channel)
        self.retention = retention_pb2_grpc.RetentionServiceStub(channel)


class Pilotdeck(_Services):
    """A connection to one Pilotdeck API. Close it (or use `with`) to release the channel.

    system, identity, guardian, jobs, receipts, policy, approvals, cohorts, followups, feedback, backlog, notifications, imports, sessions, retention: the generated stubs
    (e.g. `identity.ListMembers(request)`),
    over one channel that carries the token, deadline, request_id and retry behaviour.
    tokens: the TokenManager, or None for an anonymous connection.
    """

    def close(self):
        self.channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class AsyncPilotdeck(_Services):
    """Pilotdeck on asyncio (grpc.aio): the same stubs and behaviour, each call awaited
    (`await api.identity.ListMembers(request)`; a streaming answer is read with `async for`).
    Close it with `await api.close()` or `async with`.
    """

    async def close(self):
        await self.channel.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()


def connect(server_url: str, credentials: Optional[Credentials] = None, default_timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
            auth_url: Optional[str] = None, max_attempts: int = DEFAULT_MAX_ATTEMPTS, options=(),
            max_send_message_bytes: Optional[int] = DEFAULT_MAX_SEND_MESSAGE_BYTES) -> Pilotdeck:
    """Connects to the gRPC API at server_url.

    server_url: `https://host:port` (TLS), or `http://127.0.0.1:port` (h2c, loopback only: gRPC
      sends call credentials only over a channel it considers secure, and treats local TCP as such).
    credentials: client_credentials(...), password(...), token(...), or None for anonymous calls.
    default_timeout: seconds, the deadline of any call that sets none (30 s; None for no deadline).
    auth_url: where /.well-known/openid-configuration is served over HTTP/1.1; defaults to
      server_url for https. A cleartext server's gRPC port speaks only h2c, so pass its HTTP/1.1
      endpoint (the host's Pilotdeck:RestUrl, http://127.0.0.1:5082 by default).
    max_attempts: total attempts of an idempotent unary call that fails with UNAVAILABLE (4; 1 turns retries off).
    options: further grpc channel options.
    max_send_message_bytes: the largest request message sent (4 MiB, the server's default limit; raise
      both together); a larger one fails in the client with RESOURCE_EXHAUSTED and is never sent.
      None leaves the limit to the server.
    """
    target, channel_credentials, tokens, channel_options = _prepare(
        server_url, credentials, default_timeout, auth_url, max_attempts, options, max_send_message_bytes)
    channel = (grpc.secure_channel(target, channel_credentials, options=channel_options) if channel_credentials
               else grpc.insecure_channel(target, options=channel_options))
    return Pilotdeck(grpc.intercept_channel(channel, calls.CallPolicy(default_timeout, tokens)), tokens)


def connect_async(server_url: str, credentials: Optional[Credentials] = None, default_timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
                  auth_url: Optional[str] = None, max_attempts: int = DEFAULT_MAX_ATTEMPTS, options=(),
                  max_send_message_bytes: Optional[int] = DEFAULT_MAX_SEND_MESSAGE_BYTES) -> AsyncPilotdeck:
    """connect() for asyncio: the same arguments, a grpc.aio channel. Call it on the event loop
    that makes the calls (`async with pd.connect_async(...) as api:`). Token requests run in a
    worker thread, never on the loop."""
    target, channel_credentials, tokens, channel_options = _prepare(
        server_url, credentials, default_timeout, auth_url, max_attempts, options, max_send_message_bytes)
    interceptors = calls.async_call_policy(default_timeout, tokens)
    channel = (grpc.aio.secure_channel(target, channel_credentials, options=channel_options, interceptors=interceptors)
               if channel_credentials
               else grpc.aio.insecure_channel(target, options=channel_options, interceptors=interceptors))
    return AsyncPilotdeck(channel, tokens)


def _prepare(server_url, credentials, default_timeout, auth_url, max_attempts, options, max_send_message_bytes):
    """What either channel is made of: target, channel credentials (None: insecure), token manager, options."""
    url = urllib.parse.urlsplit(server_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError("server_url must be http://host:port or https://host:port, got %r" % server_url)
    tokens = None
    if credentials is not None:
        if auth_url is None and url.scheme == "https":
            auth_url = server_url
        given = credentials.initial_tokens()
        needs_endpoint = credentials.can_grant_again or (given is not None and given.refresh_token is not None)
        if auth_url is None and needs_endpoint:
            raise ValueError("pass auth_url (the API's HTTP/1.1 endpoint, e.g. http://127.0.0.1:5082): "
                             "tokens cannot be requested over the h2c port of %s" % server_url)
        tokens = TokenManager(credentials, TokenEndpoint(auth_url or server_url, default_timeout or DEFAULT_TIMEOUT_SECONDS))
    channel_options = [("grpc.enable_retries", 1),
                       ("grpc.service_config", calls.service_config(CONTRACTS, max_attempts)),
                       ("grpc.max_send_message_length", -1 if max_send_message_bytes is None else max_send_message_bytes)] + list(options)
    return url.netloc, _channel_credentials(url.scheme == "https", url.hostname, tokens), tokens, channel_options


def _channel_credentials(tls, host, tokens):
    if tls:
        channel_credentials = grpc.ssl_channel_credentials()
    elif tokens is None:
        return None
    else:
        if not _is_loopback(host):
            raise ValueError("tokens are sent only over TLS or to a loopback address; use https:// for %s" % host)
        channel_credentials = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    if tokens is not None:
        channel_credentials = grpc.composite_channel_credentials(
            channel_credentials, grpc.metadata_call_credentials(BearerTokenPlugin(tokens), name="pilotdeck"))
    return channel_credentials


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
