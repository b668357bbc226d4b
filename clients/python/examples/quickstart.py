"""Who am I, who else is here, and a Guardian analysis of a dbt manifest.

    PILOTDECK_CLIENT_ID=pdc_... PILOTDECK_CLIENT_SECRET=... python quickstart.py [path/to/manifest.json]

Or sign in as a user with PILOTDECK_EMAIL and PILOTDECK_PASSWORD instead. PILOTDECK_SERVER_URL
(default http://127.0.0.1:5080) is the gRPC endpoint; PILOTDECK_AUTH_URL (default
http://127.0.0.1:5082) the HTTP/1.1 endpoint that serves discovery and tokens.
"""

import os
import sys

import grpc

import pilotdeck_client as pd


def main():
    if os.environ.get("PILOTDECK_CLIENT_ID"):
        credentials = pd.client_credentials(os.environ["PILOTDECK_CLIENT_ID"], os.environ["PILOTDECK_CLIENT_SECRET"])
    else:
        credentials = pd.password(os.environ["PILOTDECK_EMAIL"], os.environ["PILOTDECK_PASSWORD"])
    with pd.connect(os.environ.get("PILOTDECK_SERVER_URL", "http://127.0.0.1:5080"), credentials,
                    auth_url=os.environ.get("PILOTDECK_AUTH_URL", "http://127.0.0.1:5082")) as api:
        me = api.identity.GetCallerIdentity(pd.identity_pb2.GetCallerIdentityRequest())
        print("signed in as %s in tenant %s" % (me.subject, me.tenant_id))

        page = api.identity.ListMembers(pd.identity_pb2.ListMembersRequest(page_size=50))
        for member in page.members:
            print("  member %s (%s)" % (member.email, pd.access_pb2.TenantRole.Name(member.role)))

        try:
            api.identity.CreateMember(pd.identity_pb2.CreateMemberRequest(email="not-an-email", role=pd.access_pb2.TENANT_ROLE_VIEWER,
                                                                    initial_password="Correct-Horse-Battery-9"))
        except grpc.RpcError as e:
            error = pd.decode_error(e)
            print("refused: %s %s %s" % (error.code.name, error.reason, error.field_violations))

        if len(sys.argv) > 1:
            with open(sys.argv[1], "rb") as manifest:  # read a chunk at a time as grpcio sends
                result = api.guardian.AnalyzeProject(pd.analyze_project_requests(manifest, project_name="quickstart"))
            coverage = result.analysis.coverage
            print("analysis %s: %d models, %d gaps" % (result.analysis.analysis_id, coverage.models.total, result.analysis.gap_count))


if __name__ == "__main__":
    main()
