"""SDK scenarios against a running Pilotdeck host; each test is one thing a partner does.

Configuration comes from the environment (the .NET test Sdk/Python/PythonSdkTests.cs sets it):
  PILOTDECK_SERVER_URL     the gRPC endpoint, e.g. http://127.0.0.1:5080
  PILOTDECK_AUTH_URL       the HTTP/1.1 endpoint serving discovery, e.g. http://127.0.0.1:5082
  PILOTDECK_CLIENT_ID / PILOTDECK_CLIENT_SECRET
                           an API client with identity.read identity.admin guardian.read guardian.write
                           imports.read imports.write
  PILOTDECK_MANIFEST       a dbt manifest.json to upload
  PILOTDECK_TOKEN_LIFETIME_SECONDS
                           the host's access-token lifetime when shortened; the renewal test needs it
Run one: python -m unittest test_scenarios.ScenarioTests.test_list_members -v
"""

import asyncio
import os
import tempfile
import time
import unittest
import uuid

import grpc

import pilotdeck_client as pd


def env(name):
    value = os.environ.get(name)
    if not value:
        raise unittest.SkipTest("%s is not set" % name)
    return value


class ScenarioTests(unittest.TestCase):
    def setUp(self):
        self.client_id = env("PILOTDECK_CLIENT_ID")
        self.api = self.connect(pd.client_credentials(self.client_id, env("PILOTDECK_CLIENT_SECRET")))

    def connect(self, credentials):
        api = pd.connect(env("PILOTDECK_SERVER_URL"), credentials, auth_url=env("PILOTDECK_AUTH_URL"), default_timeout=20)
        self.addCleanup(api.close)
        return api

    def test_client_credentials_token_identifies_the_api_client(self):
        tokens = self.api.tokens.get()

        me = self.api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual(3, len(tokens.access_token.split(".")), "a JWT has three parts")
        self.assertGreater(tokens.expires_at, time.time())
        self.assertEqual(self.client_id, me.subject)
        self.assertTrue(me.is_api_client)
        print("tenant=%s subject=%s" % (me.tenant_id, me.subject))

    def test_list_members_returns_the_seeded_members(self):
        page = self.api.identity.ListMembers(pd.identity_pb2.ListMembersRequest(page_size=50))

        self.assertGreater(len(page.members), 0)
        self.assertTrue(all(m.user_id and m.email for m in page.members))
        print("members=%d" % len(page.members))

    def test_create_api_client_twice_with_one_request_id_creates_one(self):
        name = "python-sdk-%s" % uuid.uuid4().hex[:8]
        request = pd.identity_pb2.CreateApiClientRequest(request_id=str(uuid.uuid4()), name=name, scopes=["identity.read"])

        first = self.api.identity.CreateApiClient(request)
        second = self.api.identity.CreateApiClient(request)

        self.assertEqual(first.api_client.client_id, second.api_client.client_id)
        self.assertEqual(first.client_secret, second.client_secret, "a repeat answers with the first result")
        listed = self.api.identity.ListApiClients(pd.identity_pb2.ListApiClientsRequest(page_size=200))
        self.assertEqual(1, sum(1 for c in listed.api_clients if c.name == name))
        print("client_id=%s" % first.api_client.client_id)

    def test_guardian_upload_streams_the_manifest_in_chunks(self):
        with open(env("PILOTDECK_MANIFEST"), "rb") as f:
            manifest = f.read()
        project = "python-sdk-%s" % uuid.uuid4().hex[:8]
        requests = list(pd.analyze_project_requests(manifest, project_name=project, chunk_bytes=64 * 1024))

        response = self.api.guardian.AnalyzeProject(iter(requests))

        self.assertGreater(len(requests), 2, "metadata plus several chunks")
        analysis = response.analysis
        self.assertEqual(project, analysis.project_name)
        self.assertGreater(analysis.coverage.models.total, 0)
        stored = self.api.guardian.GetAnalysis(pd.guardian_pb2.GetAnalysisRequest(analysis_id=analysis.analysis_id))
        self.assertEqual(project, stored.analysis.project_name)
        print("chunks=%d analysis_id=%s models=%d" % (len(requests) - 1, analysis.analysis_id, analysis.coverage.models.total))

    def test_import_streams_a_csv_file_in_chunks_and_plans_it(self):
        name = "python-sdk-%s" % uuid.uuid4().hex[:8]
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "people.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("userName,roles\n%s@example.com,ANALYST\nnot-an-email,ANALYST\n" % name)
            with open(path, "rb") as f:
                requests = pd.upload_import_requests("identities", f, chunk_bytes=16)
                # `import` is a Python keyword: protobuf leaves the field reachable through getattr.
                planned = getattr(self.api.imports.UploadImport(requests), "import")

        self.assertEqual("people.csv", planned.source_file_name)
        self.assertEqual(pd.imports_pb2.IMPORT_STATE_PLANNED, planned.state)
        self.assertEqual((1, 1), (planned.created_count, planned.rejected_count))
        rows = self.api.imports.ListImportRows(pd.imports_pb2.ListImportRowsRequest(import_id=planned.import_id))
        rejected = [r for r in rows.rows if r.outcome == pd.imports_pb2.ROW_OUTCOME_REJECTED]
        self.assertEqual([2], [r.row_number for r in rejected])
        print("import_id=%s created=%d rejected=%d plan_hash=%s" % (planned.import_id, planned.created_count,
                                                                    planned.rejected_count, planned.plan_hash))

    def test_async_client_streams_an_import_watches_it_and_reads_errors(self):
        asyncio.run(self._async_import())

    async def _async_import(self):
        name = "python-aio-%s" % uuid.uuid4().hex[:8]
        async with pd.connect_async(env("PILOTDECK_SERVER_URL"), pd.client_credentials(self.client_id, env("PILOTDECK_CLIENT_SECRET")),
                                    auth_url=env("PILOTDECK_AUTH_URL"), default_timeout=20) as api:
            members, me = await asyncio.gather(  # two calls in flight on one channel
                api.identity.ListMembers(pd.identity_pb2.ListMembersRequest(page_size=50)),
                api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest()))
            csv = ("userName,roles\n%s@example.com,ANALYST\nnot-an-email,ANALYST\n" % name).encode()
            planned = getattr(await api.imports.UploadImport(pd.upload_import_requests("identities", csv, file_name="people.csv", chunk_bytes=16)), "import")
            watched = [getattr(update, "import") async for update in api.imports.WatchImport(
                pd.imports_pb2.WatchImportRequest(import_id=planned.import_id))]
            with self.assertRaises(grpc.aio.AioRpcError) as raised:
                await api.identity.CreateMember(pd.identity_pb2.CreateMemberRequest(
                    email="not-an-email", role=pd.access_pb2.TENANT_ROLE_VIEWER, initial_password="Correct-Horse-Battery-9"))

        self.assertGreater(len(members.members), 0)
        self.assertEqual(self.client_id, me.subject)
        self.assertEqual((1, 1), (planned.created_count, planned.rejected_count))
        self.assertEqual(pd.imports_pb2.IMPORT_STATE_PLANNED, watched[-1].state)
        error = pd.decode_error(raised.exception)
        self.assertEqual(("FIELD_INVALID", True), (error.reason, "email" in error.fields))
        print("aio import_id=%s created=%d rejected=%d watched=%d reason=%s" % (
            planned.import_id, planned.created_count, planned.rejected_count, len(watched), error.reason))

    def test_rejected_request_has_a_field_violation_decode_error_reads(self):
        request = pd.identity_pb2.CreateMemberRequest(email="not-an-email", role=pd.access_pb2.TENANT_ROLE_VIEWER,
                                                      initial_password="Correct-Horse-Battery-9")

        with self.assertRaises(grpc.RpcError) as raised:
            self.api.identity.CreateMember(request)

        error = pd.decode_error(raised.exception)
        self.assertEqual(grpc.StatusCode.INVALID_ARGUMENT, error.code)
        self.assertEqual("FIELD_INVALID", error.reason)
        self.assertIn("email", error.fields)
        print("code=%s reason=%s fields=%s" % (error.code.name, error.reason, ",".join(error.fields)))

    def test_message_over_the_servers_limit_fails_in_the_client(self):
        with self.assertRaises(grpc.RpcError) as refused:
            self.api.identity.GetMember(pd.identity_pb2.GetMemberRequest(user_id="u" * (4 * 1024 * 1024)))

        self.assertEqual(grpc.StatusCode.RESOURCE_EXHAUSTED, refused.exception.code())
        # grpcio's wording; the server would say "Received message exceeds the maximum ...".
        self.assertIn("Sent message larger than max", refused.exception.details())
        print("code=%s details=%s" % (refused.exception.code().name, refused.exception.details()))

    def test_token_renews_across_a_short_expiry(self):
        lifetime = float(env("PILOTDECK_TOKEN_LIFETIME_SECONDS"))
        self.api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        first = self.api.tokens.current

        time.sleep(lifetime + 1)  # past the first token's expiry
        me = self.api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())

        self.assertEqual(self.client_id, me.subject)
        self.assertNotEqual(first.access_token, self.api.tokens.current.access_token)
        self.assertGreaterEqual(self.api.tokens.renewals, 2)
        # The first token really has expired: the server refuses it, and without a way to renew
        # the SDK's one retry after TOKEN_EXPIRED ends in the same error.
        stale = self.connect(pd.token(first.access_token))
        with self.assertRaises(grpc.RpcError) as raised:
            stale.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        self.assertEqual("TOKEN_EXPIRED", pd.decode_error(raised.exception).reason)
        print("renewals=%d" % self.api.tokens.renewals)


if __name__ == "__main__":
    unittest.main()
