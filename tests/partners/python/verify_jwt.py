#!/usr/bin/python3
"""Checks a Pilotdeck access token the way a partner would, with a JWT library nobody here wrote.

Gets a token with client credentials (PILOTDECK_CLIENT_ID and PILOTDECK_CLIENT_SECRET in the
environment, sent with HTTP Basic as `curl -u ID:SECRET` does) from the token endpoint named in the
discovery document of --base_url (the API's HTTP/1.1 endpoint), then verifies it with Debian's
python3-jwt (PyJWT) against the keys published at the document's jwks_uri: ES256 signature,
issuer, audience pilotdeck-api and expiry. A copy with one changed claim must fail. One PASS/FAIL
line per step; exit 0 only when every step passed, 2 on bad usage or setup.
"""

import argparse
import base64
import json
import os
import sys
import urllib.parse
import urllib.request

try:
    import jwt
except ImportError as e:  # the environment, not a test result
    print("FAIL setup: cannot import jwt (%s); install python3-jwt (scripts/install-prerequisites.sh)" % e)
    sys.exit(2)


def get_json(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base_url", required=True, help="the API's HTTP/1.1 address, e.g. http://127.0.0.1:5082")
    args = parser.parse_args()
    client_id, secret = os.environ.get("PILOTDECK_CLIENT_ID"), os.environ.get("PILOTDECK_CLIENT_SECRET")
    if not client_id or not secret:
        print("FAIL setup: set PILOTDECK_CLIENT_ID and PILOTDECK_CLIENT_SECRET")
        return 2

    discovery = get_json(args.base_url.rstrip("/") + "/.well-known/openid-configuration")
    basic = base64.b64encode(("%s:%s" % (urllib.parse.quote(client_id, safe=""), urllib.parse.quote(secret, safe=""))).encode()).decode()
    answer = get_json(discovery["token_endpoint"], urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
                      {"Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
    token = answer["access_token"]
    print("PASS token: %s, expires_in=%s" % (answer["token_type"], answer["expires_in"]))

    keys = jwt.PyJWKClient(discovery["jwks_uri"])
    signing_key = keys.get_signing_key_from_jwt(token)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, signing_key.key, algorithms=["ES256"], audience="pilotdeck-api", issuer=discovery["issuer"],
                        options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    print("PASS verify: alg=%s typ=%s kid=%s tenant=%s sub=%s scope=%s"
          % (header["alg"], header.get("typ"), header["kid"], claims["tenant"], claims["sub"], claims.get("scope", "")))

    head, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["tenant"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode().rstrip("=")
    try:
        jwt.decode("%s.%s.%s" % (head, forged_payload, signature), signing_key.key, algorithms=["ES256"],
                   audience="pilotdeck-api", issuer=discovery["issuer"])
        print("FAIL tampered: a changed claim still verified")
        return 1
    except jwt.InvalidSignatureError:
        print("PASS tampered: rejected")

    print("RESULT PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
