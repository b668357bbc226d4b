"""OAuth2 tokens for the API: the token endpoint found by discovery, and a holder that renews them.

The endpoint is read from the server's discovery document (`token_endpoint` in
/.well-known/openid-configuration) instead of a fixed path, so the SDK follows identity when it
moves. Requests use urllib over HTTP/1.1: discovery is fetched from `auth_url`, which for a
cleartext host is the API's HTTP/1.1 endpoint (the h2c gRPC port speaks no HTTP/1.1).
"""

import base64
import dataclasses
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Optional

DISCOVERY_PATH = "/.well-known/openid-configuration"
# Renew this long before expiry at most; shorter lifetimes renew half-way through instead.
MAX_RENEW_AHEAD_SECONDS = 60.0


class AuthError(Exception):
    """The token endpoint refused a grant (RFC 6749 §5.2 `error`, e.g. invalid_client)."""

    def __init__(self, error: str, description: str = ""):
        super().__init__("%s: %s" % (error, description) if description else error)
        self.error = error
        self.description = description


@dataclasses.dataclass(frozen=True)
class TokenSet:
    access_token: str
    # Seconds since the epoch; None when unknown (a ready token given without its expiry).
    expires_at: Optional[float] = None
    refresh_token: Optional[str] = None
    # How long before expires_at the token counts as due for renewal.
    renew_ahead: float = MAX_RENEW_AHEAD_SECONDS

    def needs_renewal(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at - self.renew_ahead


class TokenEndpoint:
    """The grants the SDK uses, posted as forms to the discovered token endpoint."""

    def __init__(self, auth_url: str, timeout: float):
        self._auth_url = auth_url.rstrip("/")
        self._timeout = timeout
        self._token_url: Optional[str] = None

    @property
    def token_url(self) -> str:
        if self._token_url is None:
            with urllib.request.urlopen(self._auth_url + DISCOVERY_PATH, timeout=self._timeout) as response:
                self._token_url = json.load(response)["token_endpoint"]
        return self._token_url

    def client_credentials(self, client_id: str, client_secret: str, scopes=()) -> TokenSet:
        form = {"grant_type": "client_credentials"}
        if scopes:
            form["scope"] = " ".join(scopes)
        # client_secret_basic (RFC 6749 §2.3.1): each part form-encoded, then base64.
        pair = urllib.parse.quote(client_id, safe="") + ":" + urllib.parse.quote(client_secret, safe="")
        return self._grant(form, "Basic " + base64.b64encode(pair.encode()).decode())

    def password(self, email: str, password: str, tenant_id: Optional[str] = None) -> TokenSet:
        form = {"grant_type": "password", "username": email, "password": password}
        if tenant_id:
            form["tenant"] = tenant_id
        return self._grant(form)

    def refresh(self, refresh_token: str) -> TokenSet:
        return self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _grant(self, form, authorization: Optional[str] = None) -> TokenSet:
        request = urllib.request.Request(self.token_url, data=urllib.parse.urlencode(form).encode(),
                                         headers={"Accept": "application/json"})
        if authorization:
            request.add_header("Authorization", authorization)
        sent_at = time.time()
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as e:
            try:
                problem = json.load(e)
            except ValueError:
                problem = {}
            if isinstance(problem, dict) and isinstance(problem.get("error"), str):
                raise AuthError(problem["error"], problem.get("error_description") or "") from None
            raise
        lifetime = float(answer["expires_in"])
        # Counted from when the request left, so network time can only make the renewal earlier.
        return TokenSet(answer["access_token"], sent_at + lifetime, answer.get("refresh_token"),
                        min(MAX_RENEW_AHEAD_SECONDS, lifetime / 2))


class TokenManager:
    """Holds the current tokens, renews them before expiry, one renewal at a time.

    Refresh tokens are single-use, so concurrent callers wait for the one renewal in flight
    instead of each spending the refresh token.
    """

    def __init__(self, credentials, endpoint: TokenEndpoint):
        self._credentials = credentials
        self._endpoint = endpoint
        self._lock = threading.Lock()
        self._current: Optional[TokenSet] = credentials.initial_tokens()
        self.renewals = 0  # how many times new tokens arrived; tests and diagnostics read it

    @property
    def current(self) -> Optional[TokenSet]:
        return self._current

    def get(self) -> TokenSet:
        current = self._current
        if current is not None and not current.needs_renewal(time.time()):
            return current
        return self._renew(rejected=None)

    def renew_rejected(self, rejected_access_token: str) -> TokenSet:
        """Renews because the server called the token expired, whatever our clock says."""
        return self._renew(rejected=rejected_access_token)

    def _renew(self, rejected: Optional[str]) -> TokenSet:
        with self._lock:
            current = self._current
            fresh = current is not None and not current.needs_renewal(time.time())
            if fresh and current.access_token != rejected:
                return current  # another caller renewed while we waited
            renewed = self._obtain(current)
            if renewed is None:
                if current is None:
                    raise AuthError("no_credentials", "no token and nothing to obtain one with")
                return current  # nothing to renew with: the server judges the token we have
            self._current = renewed
            self.renewals += 1
            return renewed

    def _obtain(self, current: Optional[TokenSet]) -> Optional[TokenSet]:
        if current is not None and current.refresh_token:
            try:
                renewed = self._endpoint.refresh(current.refresh_token)
                if renewed.refresh_token is None:  # should the server not rotate, keep the one we have
                    renewed = dataclasses.replace(renewed, refresh_token=current.refresh_token)
                return renewed
            except AuthError:
                if not self._credentials.can_grant_again:
                    raise
                # The refresh chain ended; the original grant still works.
        if self._credentials.can_grant_again:
            return self._credentials.grant(self._endpoint)
        return None
