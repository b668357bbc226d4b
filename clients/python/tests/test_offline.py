"""The SDK's call behaviour against an in-process fake: a grpcio server and an http.server token
endpoint on loopback. No Pilotdeck host needed: `python -m unittest test_offline -v`."""

import base64
import http.server
import io
import json
import threading
import time
import unittest
import urllib.parse
from concurrent import futures

import grpc
from google.protobuf import any_pb2

import pilotdeck_client as pd
from pilotdeck_client.protos.google.rpc import error_details_pb2, status_pb2
from pilotdeck_client.protos.pilotdeck.identity.v1 import identity_pb2_grpc
from pilotdeck_client.protos.pilotdeck.system.v1 import system_pb2_grpc


class FakeTokenEndpoint(http.server.BaseHTTPRequestHandler):
    """Discovery names /connect/token, not the host's path, so the test proves the SDK follows it."""

    issued = []
    expires_in = 3600

    def do_GET(self):
        if self.path != "/.well-known/openid-configuration":
            return self._json(404, {})
        self._json(200, {"token_endpoint": "http://%s:%d/connect/token" % self.server.server_address})

    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        basic = base64.b64decode(self.headers.get("Authorization", "Basic ")[6:]).decode()
        if self.path != "/connect/token" or form.get("grant_type") != ["client_credentials"] or basic != "pdc_id:secret":
            return self._json(400, {"error": "invalid_client", "error_description": "unknown client"})
        token = "t%d" % (len(self.issued) + 1)
        self.issued.append(token)
        self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in})

    def _json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def abort_with_details(context, code, message, reason, violations=()):
    """What the host sends: google.rpc.Status with ErrorInfo (and BadRequest) in grpc-status-details-bin."""
    status = status_pb2.Status(code=code.value[0], message=message)
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(domain="pilotdeck", reason=reason, metadata={"id": "42"}))
    status.details.append(info)
    if violations:
        bad = any_pb2.Any()
        bad.Pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=f, description=d) for f, d in violations]))
        status.details.append(bad)
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(code, message)


class FakeIdentity(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self):
        self.expired_tokens, self.seen_tokens, self.request_ids, self.deletes = set(), [], [], 0

    def GetCallerIdentity(self, request, context):
        token = dict(context.invocation_metadata()).get("authorization", "")[7:]
        self.seen_tokens.append(token)
        if token in self.expired_tokens:
            abort_with_details(context, grpc.StatusCode.UNAUTHENTICATED, "expired", "TOKEN_EXPIRED")
        return pd.identity_pb2.GetCallerIdentityResponse(subject="pdc_id", is_api_client=True)

    def CreateMember(self, request, context):
        self.request_ids.append(request.request_id)
        if "@" not in request.email:
            abort_with_details(context, grpc.StatusCode.INVALID_ARGUMENT, "invalid", "FIELD_INVALID", [("email", "not an email")])
        return pd.identity_pb2.CreateMemberResponse()

    def DeleteMember(self, request, context):
        self.deletes += 1
        context.abort(grpc.StatusCode.UNAVAILABLE, "down")

    def GetMember(self, request, context):
        time.sleep(2)
        return pd.identity_pb2.GetMemberResponse()


class FakeSystem(system_pb2_grpc.SystemServiceServicer):
    def __init__(self):
        self.attempts = 0

    def GetServerInfo(self, request, context):
        self.attempts += 1
        if self.attempts < 3:
            context.abort(grpc.StatusCode.UNAVAILABLE, "starting")
        return pd.system_pb2.GetServerInfoResponse()


class FakeHost:
    """Starts the fakes a test calls: the token endpoint and a grpcio server with the two services."""

    def start_fakes(self):
        FakeTokenEndpoint.issued, FakeTokenEndpoint.expires_in = [], 3600
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeTokenEndpoint)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.addCleanup(self.http.server_close)
        self.addCleanup(self.http.shutdown)
        self.identity, self.system = FakeIdentity(), FakeSystem()
        self.grpc = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        identity_pb2_grpc.add_IdentityServiceServicer_to_server(self.identity, self.grpc)
        system_pb2_grpc.add_SystemServiceServicer_to_server(self.system, self.grpc)
        self.port = self.grpc.add_insecure_port("127.0.0.1:0")
        self.grpc.start()
        self.addCleanup(self.grpc.stop, None)
        self.server_url = "http://127.0.0.1:%d" % self.port
        self.auth_url = "http://127.0.0.1:%d" % self.http.server_address[1]


class OfflineTests(FakeHost, unittest.TestCase):
    def setUp(self):
        self.start_fakes()

    def connect(self, credentials=None, **kwargs):
        if credentials is None:
            credentials = pd.client_credentials("pdc_id", "secret")
        api = pd.connect(self.server_url, credentials, auth_url=self.auth_url, **kwargs)
        self.addCleanup(api.close)
        return api

    def test_retryable_methods_come_from_idempotency_level_and_request_id(self):
        methods = set(pd.retryable_methods(pd.client.CONTRACTS))

        self.assertIn(("pilotdeck.identity.v1.IdentityService", "ListMembers"), methods)  # NO_SIDE_EFFECTS
        self.assertIn(("pilotdeck.identity.v1.IdentityService", "CreateApiClient"), methods)  # request_id
        self.assertNotIn(("pilotdeck.identity.v1.IdentityService", "DeleteMember"), methods)
        self.assertNotIn(("pilotdeck.guardian.v1.GuardianService", "AnalyzeProject"), methods)  # streaming
        self.assertIn(("pilotdeck.imports.v1.ImportsService", "ListImportRows"), methods)
        self.assertNotIn(("pilotdeck.imports.v1.ImportsService", "CommitImport"), methods)
        self.assertIn(("pilotdeck.sessions.v1.SessionsService", "CreateSession"), methods)  # request_id
        self.assertNotIn(("pilotdeck.sessions.v1.SessionsService", "UploadAttachment"), methods)  # streaming

    def test_idempotent_call_is_retried_on_unavailable(self):
        self.connect().system.GetServerInfo(pd.system_pb2.GetServerInfoRequest())

        self.assertEqual(3, self.system.attempts)

    def test_call_with_side_effects_is_sent_once(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.connect().identity.DeleteMember(pd.identity_pb2.DeleteMemberRequest(user_id="u1"))

        self.assertEqual(grpc.StatusCode.UNAVAILABLE, raised.exception.code())
        self.assertEqual(1, self.identity.deletes)

    def test_create_gets_a_request_id_without_changing_the_callers_message(self):
        request = pd.identity_pb2.CreateMemberRequest(email="a@example.com")

        self.connect().identity.CreateMember(request)

        self.assertEqual("", request.request_id)
        self.assertEqual(36, len(self.identity.request_ids[0]))

    def test_default_timeout_is_the_deadline_of_a_call_without_one(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.connect(default_timeout=0.3).identity.GetMember(pd.identity_pb2.GetMemberRequest(user_id="u1"))

        self.assertEqual(grpc.StatusCode.DEADLINE_EXCEEDED, raised.exception.code())

    def test_token_expired_answer_renews_once_and_sends_the_call_again(self):
        api = self.connect()
        api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        self.identity.expired_tokens.add("t1")

        api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual(["t1", "t1", "t2"], self.identity.seen_tokens)

    def test_token_is_renewed_before_it_expires(self):
        FakeTokenEndpoint.expires_in = 2  # renewed half-way, after 1 s
        api = self.connect()
        api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        time.sleep(1.2)

        api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual(["t1", "t2"], self.identity.seen_tokens)

    def test_refused_grant_fails_the_call_unauthenticated(self):
        api = self.connect(pd.client_credentials("pdc_id", "wrong"))

        with self.assertRaises(grpc.RpcError) as raised:
            api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        with self.assertRaises(grpc.RpcError) as streamed:
            api.guardian.AnalyzeProject(pd.analyze_project_requests(b"{}"))

        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, raised.exception.code())
        self.assertEqual("invalid_client", raised.exception.auth_error.error)
        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, streamed.exception.code())
        self.assertEqual([], FakeTokenEndpoint.issued)

    def test_unreachable_token_endpoint_fails_the_call_unavailable(self):
        api = pd.connect(self.server_url, pd.client_credentials("pdc_id", "secret"), auth_url=self.auth_url + "/nowhere", max_attempts=1)
        self.addCleanup(api.close)

        with self.assertRaises(grpc.RpcError) as raised:
            api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual(grpc.StatusCode.UNAVAILABLE, raised.exception.code())

    def test_decode_error_reads_reason_metadata_and_field_violations(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.connect().identity.CreateMember(pd.identity_pb2.CreateMemberRequest(email="bad"))

        error = pd.decode_error(raised.exception)
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, error.code)
        self.assertEqual("FIELD_INVALID", error.reason)
        self.assertEqual({"id": "42"}, error.metadata)
        self.assertEqual([("email", "not an email")], error.field_violations)

    def test_anonymous_connection_sends_no_token(self):
        api = pd.connect(self.server_url)
        self.addCleanup(api.close)

        api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual([""], self.identity.seen_tokens)
        self.assertIsNone(api.tokens)


class AsyncOfflineTests(FakeHost, unittest.IsolatedAsyncioTestCase):
    """connect_async(): the same behaviour on a grpc.aio channel, every call awaited."""

    def setUp(self):
        self.start_fakes()

    def connect(self, credentials=None, **kwargs):
        api = pd.connect_async(self.server_url, credentials or pd.client_credentials("pdc_id", "secret"), auth_url=self.auth_url, **kwargs)
        self.addAsyncCleanup(api.close)
        return api

    async def test_idempotent_call_is_retried_on_unavailable(self):
        await self.connect().system.GetServerInfo(pd.system_pb2.GetServerInfoRequest())

        self.assertEqual(3, self.system.attempts)

    async def test_call_with_side_effects_is_sent_once(self):
        with self.assertRaises(grpc.RpcError) as raised:
            await self.connect().identity.DeleteMember(pd.identity_pb2.DeleteMemberRequest(user_id="u1"))

        self.assertEqual(grpc.StatusCode.UNAVAILABLE, raised.exception.code())
        self.assertEqual(1, self.identity.deletes)

    async def test_create_gets_a_request_id_and_errors_decode(self):
        request = pd.identity_pb2.CreateMemberRequest(email="bad")

        with self.assertRaises(grpc.aio.AioRpcError) as raised:
            await self.connect().identity.CreateMember(request)

        self.assertEqual("", request.request_id)
        self.assertEqual(36, len(self.identity.request_ids[0]))
        error = pd.decode_error(raised.exception)
        self.assertEqual(("FIELD_INVALID", [("email", "not an email")]), (error.reason, error.field_violations))

    async def test_default_timeout_is_the_deadline_of_a_call_without_one(self):
        with self.assertRaises(grpc.RpcError) as raised:
            await self.connect(default_timeout=0.3).identity.GetMember(pd.identity_pb2.GetMemberRequest(user_id="u1"))

        self.assertEqual(grpc.StatusCode.DEADLINE_EXCEEDED, raised.exception.code())

    async def test_token_expired_answer_renews_once_and_sends_the_call_again(self):
        api = self.connect()
        await api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        self.identity.expired_tokens.add("t1")

        me = await api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual("pdc_id", me.subject)
        self.assertEqual(["t1", "t1", "t2"], self.identity.seen_tokens)

    async def test_refused_grant_fails_the_call_unauthenticated(self):
        api = self.connect(pd.client_credentials("pdc_id", "wrong"))

        with self.assertRaises(grpc.RpcError) as raised:
            await api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        with self.assertRaises(grpc.RpcError) as streamed:
            await api.guardian.AnalyzeProject(pd.analyze_project_requests(b"{}"))

        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, raised.exception.code())
        self.assertEqual("invalid_client", raised.exception.auth_error.error)
        self.assertEqual(grpc.StatusCode.UNAUTHENTICATED, streamed.exception.code())
        self.assertEqual([], FakeTokenEndpoint.issued)


class UploadRequestTests(unittest.TestCase):
    def test_import_file_is_read_a_chunk_at_a_time_after_the_metadata(self):
        content = b"userName,roles\n" + b"".join(b"user%d@example.com,VIEWER\n" % i for i in range(100))
        reads = []

        class File(io.BytesIO):
            name = "/somewhere/people.csv"

            def read(self, size=-1):
                reads.append(size)
                return super().read(size)

        requests = pd.upload_import_requests("roster", File(content), options={"cohort": "fall-2025"}, chunk_bytes=256)
        first = next(requests)
        self.assertEqual([], reads, "nothing is read before grpcio asks for a chunk")
        chunks = [r.chunk for r in requests]

        self.assertEqual(("roster", "people.csv", {"cohort": "fall-2025"}),
                         (first.metadata.kind, first.metadata.source_file_name, dict(first.metadata.options)))
        self.assertEqual(content, b"".join(chunks))
        self.assertTrue(all(len(c) <= 256 for c in chunks))
        self.assertEqual(len(chunks) + 1, len(reads), "one read per chunk, and one that finds the end")

    def test_manifest_and_catalog_files_are_sent_whole_in_order(self):
        manifest, catalog = b"m" * 1000, b"c" * 300

        requests = list(pd.analyze_project_requests(io.BytesIO(manifest), io.BytesIO(catalog), project_name="p", chunk_bytes=256))

        self.assertEqual("p", requests[0].metadata.project_name)
        kinds = [r.WhichOneof("payload") for r in requests[1:]]
        self.assertEqual(["manifest_chunk"] * 4 + ["catalog_chunk"] * 2, kinds)
        self.assertEqual(manifest, b"".join(r.manifest_chunk for r in requests[1:5]))
        self.assertEqual(catalog, b"".join(r.catalog_chunk for r in requests[5:]))

    def test_a_chunk_size_below_one_is_refused(self):
        with self.assertRaises(ValueError):
            list(pd.upload_attachment_requests("p", "a.vtt", "text/vtt", b"WEBVTT", chunk_bytes=0))


if __name__ == "__main__":
    unittest.main()
