#!/usr/bin/env python3
"""Verifies a Pilotdeck import error manifest offline, independently of Pilotdeck's own code.

Usage: verify_import_manifest.py MANIFEST.json PUBLIC_KEY.pem

The manifest is a DSSE envelope (https://github.com/secure-systems-lab/dsse, protocol v1); the
signature is Ed25519 over PAE(payloadType, payload). The key is the installation's manifest key
as `pilotdeck imports manifest-key` or GET /v1/imports:manifest-key prints it (PEM). Exit 0 and
print the import id, source and plan hashes when a signature verifies; exit 1 otherwise.
"""
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

PAYLOAD_TYPE = "application/vnd.pilotdeck.import-manifest+json"


def pae(payload_type: bytes, payload: bytes) -> bytes:
    return b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)


def main() -> int:
    envelope = json.load(open(sys.argv[1], encoding="utf-8"))
    key = load_pem_public_key(open(sys.argv[2], "rb").read())
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        print("not a Pilotdeck import manifest: payloadType %r" % envelope.get("payloadType"), file=sys.stderr)
        return 1
    payload = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"].encode("utf-8"), payload)
    for signature in envelope.get("signatures", []):
        try:
            key.verify(base64.b64decode(signature["sig"], validate=True), message)
        except (InvalidSignature, ValueError):
            continue
        manifest = json.loads(payload)
        print("verified: import %s (tenant %s), source sha256 %s, plan %s, %d rejected rows" % (
            manifest["import_id"], manifest["tenant"], manifest["source_sha256"], manifest["plan_hash"], len(manifest["rejected_rows"])))
        return 0
    print("no signature verifies with this key", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
