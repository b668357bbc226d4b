"""How the SDK signs in: pass one of these to `connect(credentials=...)`."""

from typing import Optional, Sequence

from .tokens import TokenEndpoint, TokenSet


class Credentials:
    """Base of the three kinds; `grant` obtains fresh tokens, `initial_tokens` are ones given up front."""

    can_grant_again = False

    def initial_tokens(self) -> Optional[TokenSet]:
        return None

    def grant(self, endpoint: TokenEndpoint) -> TokenSet:
        raise NotImplementedError


class _ClientCredentials(Credentials):
    can_grant_again = True

    def __init__(self, client_id: str, client_secret: str, scopes: Sequence[str]):
        self.client_id, self._secret, self._scopes = client_id, client_secret, tuple(scopes)

    def grant(self, endpoint):
        return endpoint.client_credentials(self.client_id, self._secret, self._scopes)

    def __repr__(self):  # never show the secret
        return "client_credentials(%r, ***)" % self.client_id


class _Password(Credentials):
    can_grant_again = True

    def __init__(self, email: str, password: str, tenant_id: Optional[str]):
        self.email, self._password, self._tenant_id = email, password, tenant_id

    def grant(self, endpoint):
        return endpoint.password(self.email, self._password, self._tenant_id)

    def __repr__(self):
        return "password(%r, ***)" % self.email


class _Token(Credentials):
    def __init__(self, access_token: str, refresh_token: Optional[str], expires_at: Optional[float]):
        self._tokens = TokenSet(access_token, expires_at, refresh_token)

    def initial_tokens(self):
        return self._tokens

    def __repr__(self):
        return "token(***)"


def client_credentials(client_id: str, client_secret: str, scopes: Sequence[str] = ()) -> Credentials:
    """An API client (partner system, script). Renewal runs the grant again. Empty scopes: all the client has."""
    return _ClientCredentials(client_id, client_secret, scopes)


def password(email: str, password: str, tenant_id: Optional[str] = None) -> Credentials:
    """A user. Renewal uses the refresh token, and signs in again if its chain has ended."""
    return _Password(email, password, tenant_id)


def token(access_token: str, refresh_token: Optional[str] = None, expires_at: Optional[float] = None) -> Credentials:
    """Tokens you already hold. Renewed with `refresh_token` when given (expires_at in epoch seconds), else never."""
    # With no expiry the token is used until the server answers TOKEN_EXPIRED, then refreshed once.
    return _Token(access_token, refresh_token, expires_at)
