"""Call credentials: a grpc.AuthMetadataPlugin that puts the current access token on each call."""

import grpc

from .tokens import TokenManager


class BearerTokenPlugin(grpc.AuthMetadataPlugin):
    """Adds `authorization: Bearer <token>`, renewing the token first when it is near expiry.

    gRPC runs plugins off the caller's thread, so the blocking token request here does not stall
    the event loop of anyone using the channel; a failed grant fails the call with UNAVAILABLE
    (endpoint unreachable) or UNAUTHENTICATED (grant refused), as gRPC reports plugin errors.
    """

    def __init__(self, tokens: TokenManager):
        self._tokens = tokens

    def __call__(self, context, callback):
        try:
            access_token = self._tokens.get().access_token
        except Exception as error:  # noqa: BLE001 - any failure must reach gRPC, not kill its thread
            callback((), error)
            return
        callback((("authorization", "Bearer " + access_token),), None)


class RefusedCall(grpc.RpcError, grpc.Call, grpc.Future):
    """A call that never left because the token endpoint refused the grant.

    gRPC reports any plugin failure as UNAVAILABLE, which reads as "try again" and is retried; a
    refused grant will not get better, so the SDK fails the call UNAUTHENTICATED before sending it,
    with the AuthError as `auth_error`.
    """

    def __init__(self, auth_error):
        super().__init__()
        self.auth_error = auth_error

    def code(self):
        return grpc.StatusCode.UNAUTHENTICATED

    def details(self):
        return _refused_details(self.auth_error)

    def initial_metadata(self):
        return ()

    def trailing_metadata(self):
        return ()

    def is_active(self):
        return False

    def time_remaining(self):
        return None

    def cancel(self):
        return False

    def add_callback(self, callback):
        return False

    def cancelled(self):
        return False

    def running(self):
        return False

    def done(self):
        return True

    def result(self, timeout=None):
        raise self

    def exception(self, timeout=None):
        return self

    def traceback(self, timeout=None):
        return None

    def add_done_callback(self, fn):
        fn(self)

    def __iter__(self):
        return self

    def __next__(self):
        raise self

    def __str__(self):
        return "<RefusedCall UNAUTHENTICATED: %s>" % self.details()


class RefusedAioCall(grpc.aio.AioRpcError):
    """RefusedCall for the asyncio channel: raised before the call is sent, `auth_error` the AuthError."""

    def __init__(self, auth_error):
        super().__init__(grpc.StatusCode.UNAUTHENTICATED, grpc.aio.Metadata(), grpc.aio.Metadata(), _refused_details(auth_error))
        self.auth_error = auth_error


def _refused_details(auth_error) -> str:
    return "the token endpoint refused the grant: %s" % auth_error
