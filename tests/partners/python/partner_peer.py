#!/usr/bin/python3
"""A partner system on Debian's python3-grpcio (gRPC C core) against a running Pilotdeck host.

It asks who it is, uploads a dbt manifest to Guardian in chunks (client streaming) and provokes a
validation error whose google.rpc.Status it decodes from grpc-status-details-bin. One PASS/FAIL
line per step; exit 0 only when every step passed, 2 on bad usage or setup.

With --token_url it first gets a token with client credentials (PILOTDECK_CLIENT_ID and
PILOTDECK_CLIENT_SECRET in the environment, kept out of argv) from the API's HTTP/1.1 endpoint, with
the standard library's urllib: the gRPC port speaks only h2c, which the standard library cannot.
Without --token_url it uses a ready token from PILOTDECK_TOKEN.

Message classes are built at start-up: grpc_tools' protoc compiles the repository's protos into a
descriptor set in a temporary directory, and protobuf's message factory makes classes from it.
Generated _pb2 modules are avoided on purpose: Debian's grpc_tools bundles an older protoc than
its protobuf runtime expects, while a descriptor set works across the two. Usage in
tests/partners/README.md.
"""

import argparse
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import subprocess
import sys
import tempfile

try:
    import grpc
    from google.protobuf import descriptor_pb2, message_factory
    from grpc_tools import protoc
except ImportError as e:  # the environment, not a test result
    print("FAIL setup: cannot import grpc/grpc_tools (%s); run with /usr/bin/python3 after "
          "scripts/install-prerequisites.sh" % e)
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
REPO_PROTOS = os.path.join(REPO, "protos")
# google/api and google/rpc as the Google.Api.CommonProtos NuGet package ships them (the test passes the folder).
GOOGLEAPIS_PROTOS = os.environ.get("PILOTDECK_GOOGLEAPIS_PROTOS", "")
CHUNK_BYTES = 64 * 1024
TIMEOUT_SECONDS = 30


def well_known_protos():
    # grpc_tools ships google/protobuf/*.proto beside its protoc; the path differs per install.
    import grpc_tools
    return os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")


def build_messages(workdir):
    """Compiles the protos into a descriptor set and returns message classes by full name."""
    out = os.path.join(workdir, "pilotdeck.pb")
    files = ["pilotdeck/identity/v1/identity.proto", "pilotdeck/guardian/v1/guardian.proto",
             "google/rpc/status.proto", "google/rpc/error_details.proto"]
    if not os.path.isdir(GOOGLEAPIS_PROTOS):
        raise RuntimeError("set PILOTDECK_GOOGLEAPIS_PROTOS to the content/protos folder of the Google.Api.CommonProtos package")
    args = ["-I" + REPO_PROTOS, "-I" + GOOGLEAPIS_PROTOS, "-I" + well_known_protos(),
            "--include_imports", "--descriptor_set_out=" + out] + files
    # Debian's grpc_tools bundles protoc 3.5, older than proto3 `optional` (error_details.proto uses
    # it); PILOTDECK_PROTOC names a newer protoc (the tests pass the one Grpc.Tools ships).
    newer = os.environ.get("PILOTDECK_PROTOC")
    code = subprocess.run([newer] + args).returncode if newer else protoc.main(["protoc"] + args)
    if code != 0:
        raise RuntimeError("protoc failed with exit code %d" % code)
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    with open(out, "rb") as f:
        descriptor_set.ParseFromString(f.read())
    return message_factory.GetMessages(descriptor_set.file)


class Peer:
    def __init__(self, address, token, messages):
        self.channel = grpc.insecure_channel(address)
        self.metadata = (("authorization", "Bearer " + token),)
        self.m = messages

    def unary(self, method, request, response_type):
        call = self.channel.unary_unary(method, request_serializer=lambda r: r.SerializeToString(),
                                        response_deserializer=self.m[response_type].FromString)
        return call(request, metadata=self.metadata, timeout=TIMEOUT_SECONDS)

    def upload(self, manifest, project):
        request_type = self.m["pilotdeck.guardian.v1.AnalyzeProjectRequest"]
        chunks = [manifest[i:i + CHUNK_BYTES] for i in range(0, len(manifest), CHUNK_BYTES)]

        def requests():
            first = request_type()
            first.metadata.project_name = project
            yield first
            for chunk in chunks:
                yield request_type(manifest_chunk=chunk)

        call = self.channel.stream_unary("/pilotdeck.guardian.v1.GuardianService/AnalyzeProject",
                                         request_serializer=lambda r: r.SerializeToString(),
                                         response_deserializer=self.m["pilotdeck.guardian.v1.AnalyzeProjectResponse"].FromString)
        return call(requests(), metadata=self.metadata, timeout=TIMEOUT_SECONDS), len(chunks)

    def decode_details(self, error):
        """The google.rpc.Status in the trailer, and its ErrorInfo and BadRequest."""
        raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
        if raw is None:
            raise AssertionError("the error carries no grpc-status-details-bin")
        status = self.m["google.rpc.Status"].FromString(raw)
        found = {}
        for detail in status.details:
            name = detail.type_url.rsplit("/", 1)[-1]
            if name in ("google.rpc.ErrorInfo", "google.rpc.BadRequest"):
                found[name] = self.m[name].FromString(detail.value)
        return status, found.get("google.rpc.ErrorInfo"), found.get("google.rpc.BadRequest")


def request_token(url, client_id, client_secret):
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": client_secret}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)["access_token"]
    except urllib.error.HTTPError as e:
        answer = json.load(e)
        raise RuntimeError("%s: %s" % (answer.get("error"), answer.get("error_description")))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True, help="host:port of the API endpoint (h2c)")
    parser.add_argument("--manifest", required=True, help="a dbt manifest.json to upload")
    parser.add_argument("--expect_tenant", required=True)
    parser.add_argument("--expect_subject", required=True, help="the API client id the token belongs to")
    parser.add_argument("--token_url", help="the token endpoint on the API's HTTP/1.1 endpoint, e.g. http://127.0.0.1:5082/oauth2/token")
    args = parser.parse_args()
    if args.token_url:
        try:
            token = request_token(args.token_url, os.environ["PILOTDECK_CLIENT_ID"], os.environ["PILOTDECK_CLIENT_SECRET"])
            print("PASS token: client_credentials")
        except Exception as e:  # noqa: BLE001 - a refused or failed token request ends the run
            print("FAIL token: %s" % e)
            return 1
    else:
        token = os.environ.get("PILOTDECK_TOKEN")
        if not token:
            print("FAIL setup: pass --token_url or set PILOTDECK_TOKEN")
            return 2

    with tempfile.TemporaryDirectory(prefix="pilotdeck-python-peer-") as workdir:
        try:
            peer = Peer(args.address, token, build_messages(workdir))
        except Exception as e:  # noqa: BLE001 - report any setup failure as such
            print("FAIL setup: %s" % e)
            return 2
        failed = 0
        for name, step in (("identity", identity), ("upload", upload), ("rich_error", rich_error)):
            try:
                print("PASS %s: %s" % (name, step(peer, args)))
            except AssertionError as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
            except grpc.RpcError as e:
                # One line per step: grpcio's own text for a failed call spans several.
                failed += 1
                print("FAIL %s: %s %s" % (name, e.code().name, e.details()))
        peer.channel.close()
    print("RESULT PASS" if failed == 0 else "RESULT FAIL (%d step(s) failed)" % failed)
    return 0 if failed == 0 else 1


def identity(peer, args):
    me = peer.unary("/pilotdeck.identity.v1.IdentityService/GetCallerIdentity",
                    peer.m["pilotdeck.identity.v1.GetCallerIdentityRequest"](),
                    "pilotdeck.identity.v1.GetCallerIdentityResponse")
    check(me.tenant_id == args.expect_tenant, "tenant_id was %r, expected %r" % (me.tenant_id, args.expect_tenant))
    check(me.subject == args.expect_subject, "subject was %r, expected %r" % (me.subject, args.expect_subject))
    check(me.is_api_client, "is_api_client was false")
    return "tenant=%s subject=%s" % (me.tenant_id, me.subject)


def upload(peer, args):
    with open(args.manifest, "rb") as f:
        manifest = f.read()
    project = "python-peer-%d" % os.getpid()
    response, chunks = peer.upload(manifest, project)
    check(chunks > 1, "the manifest went in %d chunk(s); the step must stream several" % chunks)
    analysis = response.analysis
    check(analysis.analysis_id, "no analysis_id")
    check(analysis.project_name == project, "project_name was %r" % analysis.project_name)
    check(analysis.coverage.models.total > 0, "no models counted")
    return "chunks=%d analysis_id=%s models=%d gaps=%d" % (
        chunks, analysis.analysis_id, analysis.coverage.models.total, analysis.gap_count)


def rich_error(peer, args):
    request = peer.m["pilotdeck.identity.v1.CreateMemberRequest"](
        email="not-an-email", role=1, initial_password="Correct-Horse-Battery-9")  # 1 = TENANT_ROLE_VIEWER
    try:
        peer.unary("/pilotdeck.identity.v1.IdentityService/CreateMember", request,
                   "pilotdeck.identity.v1.CreateMemberResponse")
    except grpc.RpcError as e:
        error = e
    else:
        raise AssertionError("CreateMember with an invalid email succeeded")
    check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, "status was %s (%s)" % (error.code(), error.details()))
    status, info, bad_request = peer.decode_details(error)
    check(status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0], "Status.code was %d" % status.code)
    check(info is not None, "no ErrorInfo in the details")
    check(info.domain == "pilotdeck", "domain was %r" % info.domain)
    check(info.reason == "FIELD_INVALID", "reason was %r" % info.reason)
    fields = [v.field for v in bad_request.field_violations] if bad_request is not None else []
    check("email" in fields, "field violations were %r" % fields)
    return "code=INVALID_ARGUMENT reason=%s fields=%s" % (info.reason, ",".join(fields))


if __name__ == "__main__":
    sys.exit(main())
