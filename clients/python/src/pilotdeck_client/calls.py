"""What every call gets: a default deadline, a request_id on creates, retries where they are safe,
and one more attempt after the server calls the token expired."""

import asyncio
import collections
import json
import time
import uuid

import grpc
from google.protobuf import descriptor_pb2

from .auth import RefusedAioCall, RefusedCall
from .errors import decode_error
from .tokens import AuthError

TOKEN_EXPIRED = "TOKEN_EXPIRED"
_RETRYABLE_LEVELS = (descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS, descriptor_pb2.MethodOptions.IDEMPOTENT)


def _has_request_id(message_descriptor) -> bool:
    field = message_descriptor.fields_by_name.get("request_id")
    return field is not None and field.type == field.TYPE_STRING and field.label != field.LABEL_REPEATED


def retryable_methods(file_descriptors):
    """(service, method) pairs safe to send again: unary methods the proto declares NO_SIDE_EFFECTS
    or IDEMPOTENT (`option idempotency_level`), and unary creates carrying a request_id, whose
    repeat the server answers with the first result."""
    found = []
    for file in file_descriptors:
        for service in file.services_by_name.values():
            for method in service.methods:
                if method.client_streaming or method.server_streaming:
                    continue
                level = method.GetOptions().idempotency_level
                if level in _RETRYABLE_LEVELS or _has_request_id(method.input_type):
                    found.append((service.full_name, method.name))
    return found


def service_config(file_descriptors, max_attempts=4, initial_backoff=0.2, max_backoff=5.0) -> str:
    """gRPC service config JSON: retry UNAVAILABLE on the retryable methods, with gRPC's own backoff."""
    if max_attempts < 2:
        return json.dumps({"methodConfig": []})
    names = [{"service": s, "method": m} for s, m in retryable_methods(file_descriptors)]
    policy = {"maxAttempts": max_attempts, "initialBackoff": "%gs" % initial_backoff,
              "maxBackoff": "%gs" % max_backoff, "backoffMultiplier": 2,
              "retryableStatusCodes": ["UNAVAILABLE"]}
    return json.dumps({"methodConfig": [{"name": names, "retryPolicy": policy}]})


class _Details(collections.namedtuple("_Details", ("method", "timeout", "metadata", "credentials",
                                                     "wait_for_ready", "compression")),
               grpc.ClientCallDetails):
    pass


def _with_timeout(details, timeout):
    return _Details(details.method, timeout, details.metadata, details.credentials,
                    getattr(details, "wait_for_ready", None), getattr(details, "compression", None))


class _CallRules:
    """What both interceptors decide, blocking or on an event loop. `tokens` is the TokenManager, or None when anonymous."""

    def __init__(self, default_timeout, tokens):
        self._default_timeout = default_timeout
        self._tokens = tokens

    @staticmethod
    def _timed(details, timeout):
        return _with_timeout(details, timeout)

    def _details(self, details):
        if details.timeout is None and self._default_timeout is not None:
            return self._timed(details, self._default_timeout)
        return details

    def _remaining(self, details, started):
        """The details of a second attempt: what is left of the first one's deadline."""
        if details.timeout is None:
            return details
        return self._timed(details, max(0.0, details.timeout - (time.monotonic() - started)))

    def _refusal(self):
        """The AuthError when no token can be had because the grant is refused, else None.

        Obtaining the token here (cached after the first call) instead of only in the plugin lets
        a refusal surface as UNAUTHENTICATED; an unreachable endpoint is left to the plugin, whose
        UNAVAILABLE is right for it.
        """
        if self._tokens is None:
            return None
        try:
            self._tokens.get()
        except AuthError as error:
            return error
        except Exception:  # noqa: BLE001 - reported by the plugin on the call itself
            pass
        return None

    def _renew_rejected(self, used):
        """The server's clock said expired before ours did: renew once. The token sent is the one
        held before the call, or, on a first call, the one the plugin just obtained."""
        rejected = used or self._tokens.current
        self._tokens.renew_rejected(rejected.access_token if rejected else "")


class CallPolicy(_CallRules, grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                 grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """The blocking channel's interceptor for all four call shapes."""

    def _refused(self):
        refusal = self._refusal()
        return RefusedCall(refusal) if refusal is not None else None

    def intercept_unary_unary(self, continuation, client_call_details, request):
        refused = self._refused()
        if refused is not None:
            return refused
        details = self._details(client_call_details)
        request = _with_request_id(request)
        started = time.monotonic()
        used = self._tokens.current if self._tokens is not None else None
        outcome = continuation(details, request)
        if self._tokens is None or not _is_token_expired(outcome.exception()):  # waits: the decision needs the status
            return outcome
        self._renew_rejected(used)
        return continuation(self._remaining(details, started), request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        return self._refused() or continuation(self._details(client_call_details), request)

    def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return self._refused() or continuation(self._details(client_call_details), request_iterator)

    def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return self._refused() or continuation(self._details(client_call_details), request_iterator)


def async_call_policy(default_timeout, tokens):
    """The asyncio channel's interceptors: the same rules, token requests off the event loop. One
    object per call shape, since grpc.aio files each interceptor under the first shape it matches."""
    return [_AsyncUnaryUnary(default_timeout, tokens), _AsyncUnaryStream(default_timeout, tokens),
            _AsyncStreamUnary(default_timeout, tokens), _AsyncStreamStream(default_timeout, tokens)]


class _AsyncRules(_CallRules):
    @staticmethod
    def _timed(details, timeout):
        return details._replace(timeout=timeout)

    async def _check_grant(self):
        if self._tokens is not None:
            refusal = await asyncio.to_thread(self._refusal)
            if refusal is not None:
                raise RefusedAioCall(refusal)

    async def _streaming(self, continuation, client_call_details, request_or_iterator):
        await self._check_grant()
        return await continuation(self._details(client_call_details), request_or_iterator)


class _AsyncUnaryUnary(_AsyncRules, grpc.aio.UnaryUnaryClientInterceptor):
    async def intercept_unary_unary(self, continuation, client_call_details, request):
        await self._check_grant()
        details = self._details(client_call_details)
        request = _with_request_id(request)
        started = time.monotonic()
        used = self._tokens.current if self._tokens is not None else None
        call = await continuation(details, request)
        if self._tokens is None:
            return call
        try:
            await call
            return call
        except grpc.aio.AioRpcError as error:
            if not _is_token_expired(error):
                return call  # awaiting it raises the same error for the caller
        await asyncio.to_thread(self._renew_rejected, used)
        return await continuation(self._remaining(details, started), request)


class _AsyncUnaryStream(_AsyncRules, grpc.aio.UnaryStreamClientInterceptor):
    async def intercept_unary_stream(self, continuation, client_call_details, request):
        return await self._streaming(continuation, client_call_details, request)


class _AsyncStreamUnary(_AsyncRules, grpc.aio.StreamUnaryClientInterceptor):
    async def intercept_stream_unary(self, continuation, client_call_details, request_iterator):
        return await self._streaming(continuation, client_call_details, request_iterator)


class _AsyncStreamStream(_AsyncRules, grpc.aio.StreamStreamClientInterceptor):
    async def intercept_stream_stream(self, continuation, client_call_details, request_iterator):
        return await self._streaming(continuation, client_call_details, request_iterator)


def _with_request_id(request):
    """A copy with a fresh UUID in an empty request_id, so retries of this call are recognised as one."""
    if not _has_request_id(request.DESCRIPTOR) or request.request_id:
        return request
    copy = type(request)()
    copy.CopyFrom(request)
    copy.request_id = str(uuid.uuid4())
    return copy


def _is_token_expired(error) -> bool:
    return (isinstance(error, grpc.RpcError) and error.code() == grpc.StatusCode.UNAUTHENTICATED
            and decode_error(error).reason == TOKEN_EXPIRED)
