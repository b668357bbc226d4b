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
