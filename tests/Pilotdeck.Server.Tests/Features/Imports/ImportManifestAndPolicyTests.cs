using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Features.Policy;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.Transparency.Dsse;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// The signed error manifest (verified here, by the library, and by python3-cryptography on its
/// own), the policy gate on commit, and the POST /imports JSON route, per provider.
/// </summary>
public abstract class ImportManifestAndPolicyTests<TFixture> : IClassFixture<TFixture>
    where TFixture : ImportsHostFixture
{
    private readonly TFixture _host;
    private readonly ImportsTestSupport _support;
    private readonly PolicyTestSupport _policy;

    protected ImportManifestAndPolicyTests(TFixture host)
    {
        _host = host;
        _support = new ImportsTestSupport(host);
        _policy = new PolicyTestSupport(host);
    }

    [Fact]
    public async Task Manifest_VerifiesWithThePublishedKey_InCSharpAndPython_AndATamperedOneDoesNot()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"ok@{ImportsTestSupport.Domain()},,,,true,VIEWER", "broken,,,,true,VIEWER", "x@y.example.com,,,,true,NOBODY"));
        var key = await _support.Imports.GetManifestKeyAsync(new GetManifestKeyRequest(), owner);
        var json = (await _support.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = plan.ImportId }, owner)).EnvelopeJson;

        var envelope = DsseEnvelope.Parse(json);
        var publicKey = Ed25519PublicKeyPem.Parse(key.PublicKeyPem);
        Assert.Equal("application/vnd.pilotdeck.import-manifest+json", envelope.PayloadType);
        Assert.Equal(key.KeyId, Assert.Single(envelope.Signatures).KeyId);
        Assert.True(envelope.VerifiedBy(publicKey));
        using var manifest = JsonDocument.Parse(envelope.PayloadBytes());
        Assert.Equal(("acme", plan.ImportId, plan.PlanHash, plan.SourceSha256), (manifest.RootElement.GetProperty("tenant").GetString(),
            manifest.RootElement.GetProperty("import_id").GetString(), manifest.RootElement.GetProperty("plan_hash").GetString(), manifest.RootElement.GetProperty("source_sha256").GetString()));
        Assert.Equal([2L, 3L], manifest.RootElement.GetProperty("rejected_rows").EnumerateArray().Select(r => r.GetProperty("row").GetInt64()));

        var tamperedPayload = Encoding.UTF8.GetString(envelope.PayloadBytes()).Replace("\"rejected\":2", "\"rejected\":0");
        var tampered = new DsseEnvelope { PayloadType = envelope.PayloadType, Payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(tamperedPayload)), Signatures = envelope.Signatures };
        Assert.False(tampered.VerifiedBy(publicKey));

        var dir = Directory.CreateTempSubdirectory("pilotdeck-manifest-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "manifest.json"), json);
        await File.WriteAllTextAsync(Path.Combine(dir, "tampered.json"), tampered.ToJson());
        await File.WriteAllTextAsync(Path.Combine(dir, "key.pem"), key.PublicKeyPem);
        var script = Path.Combine(RepoProcess.RepoRoot, "tests", "partners", "python", "verify_import_manifest.py");
        var good = await RepoProcess.RunAsync("/usr/bin/python3", [script, Path.Combine(dir, "manifest.json"), Path.Combine(dir, "key.pem")], TimeSpan.FromMinutes(1));
        var bad = await RepoProcess.RunAsync("/usr/bin/python3", [script, Path.Combine(dir, "tampered.json"), Path.Combine(dir, "key.pem")], TimeSpan.FromMinutes(1));
        Directory.Delete(dir, recursive: true);

        Assert.True(good.ExitCode == 0, good.Stderr);
        Assert.Contains(plan.PlanHash, good.Stdout);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("no signature verifies", bad.Stderr);
    }

    [Fact]
    public async Task Manifest_OfAPlanWithoutRejections_IsNoRejectedRows()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"clean@{ImportsTestSupport.Domain()},,,,true,VIEWER"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = plan.ImportId }, owner).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "IMPORT_NO_REJECTED_ROWS"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
    }

    [Fact]
    public async Task LargeImport_NeedsApproval_ThenCommitsOnceWithIt()
    {
        await _policy.ApplyAsync(_host.Demo, """
            description: large imports need an admin's approval
            rules:
              - id: large-imports
                actions: [imports.commit]
                when: request.rows > 2
                effect: require_approval
                approvers: {role: ADMIN, count: 1}
                reason: More than two rows at once need a second pair of eyes.
              - id: allow-the-rest
                effect: allow
                reason: everything else
            """);
        var owner = await _support.OwnerAsync(_host.Demo);
        var (admin, _) = await _policy.MemberAsync(_host.Demo, TenantRole.Admin);
        var d = ImportsTestSupport.Domain();
        var small = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"s1@{d},,,,true,VIEWER"));
        var large = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"l1@{d},,,,true,VIEWER", $"l2@{d},,,,true,VIEWER", $"l3@{d},,,,true,VIEWER"));
        var commit = new CommitImportRequest { ImportId = large.ImportId, PlanHash = large.PlanHash };

        Assert.Equal(ImportState.Committed, (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = small.ImportId, PlanHash = small.PlanHash }, owner)).Import.State);
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Imports.CommitImportAsync(commit, owner).ResponseAsync);
        Assert.Equal((StatusCode.FailedPrecondition, "APPROVAL_REQUIRED"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        var approvalId = ApiErrors.MetadataOf(ex)["approval_id"];
        var approval = (await _policy.Approvals.GetApprovalAsync(new GetApprovalRequest { ApprovalId = approvalId }, admin)).Approval;
        Assert.Equal(("imports.commit", "imports/" + large.ImportId), (approval.Action, approval.Subject));
        await _policy.Approvals.ApproveApprovalAsync(new ApproveApprovalRequest { ApprovalId = approvalId, Comment = "reviewed the plan" }, admin);

        var committed = await _support.Imports.CommitImportAsync(commit, PolicyTestSupport.WithApproval(owner, approvalId));

        Assert.Equal((ImportState.Committed, 3L), (committed.Import.State, committed.Import.CreatedCount));
        await using var scope = _host.Services.CreateTenantScope(_host.Demo.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        var receipt = await db.Receipts.SingleAsync(r => r.Subject == "imports/" + large.ImportId && r.Action == "imports.commit");
        Assert.Equal(approvalId, (await db.PolicyDecisions.SingleAsync(p => p.Id == receipt.DecisionId)).ApprovalId);
        await _policy.ApplyAsync(_host.Demo, "description: allow all\nrules:\n  - id: allow\n    effect: allow\n    reason: all\n");
    }

    [Fact]
    public async Task PostImports_JsonRoute_DryRunsAndCommits()
    {
        using var http = new HttpClient();
        var token = await _host.UserTokenAsync(_host.Acme.OwnerEmail, _host.Acme.OwnerPassword);
        var csv = ImportsTestSupport.Csv($"json@{ImportsTestSupport.Domain()},,,,true,ANALYST");

        async Task<JsonElement> PostAsync(bool dryRun)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.RestAddress, "/imports"))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { kind = "identities", sourceFileName = "json.csv", source = Convert.ToBase64String(csv), dryRun }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            return JsonDocument.Parse(body).RootElement.GetProperty("import").Clone();
        }

        var planned = await PostAsync(dryRun: true);
        var committed = await PostAsync(dryRun: false);

        Assert.Equal(("IMPORT_STATE_PLANNED", "1"), (planned.GetProperty("state").GetString(), planned.GetProperty("createdCount").ToString()));
        Assert.Equal("IMPORT_STATE_COMMITTED", committed.GetProperty("state").GetString());
    }

    [Fact]
    public async Task IdentitiesImporter_NeedsAdmin_EvenThoughFacilitatorsMayImport()
    {
        var (facilitator, _) = await _policy.MemberAsync(_host.Acme, TenantRole.Facilitator);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.DryRunAsync(facilitator, ImportsTestSupport.Csv("f@x.example.com,,,,true,OWNER")));

        Assert.Equal((StatusCode.PermissionDenied, "ROLE_INSUFFICIENT"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        var importers = await _support.Imports.ListImportersAsync(new ListImportersRequest(), facilitator);
        Assert.Contains(importers.Importers, i => i.Kind == "identities" && i.MinRole == TenantRole.Admin && i.Columns.Any(c => c.Name == "userName" && c.Required));
    }
}

public sealed class SqliteImportManifestAndPolicyTests(SqliteImportsHostFixture host) : ImportManifestAndPolicyTests<SqliteImportsHostFixture>(host);

public sealed class PostgresImportManifestAndPolicyTests(PostgresImportsHostFixture host) : ImportManifestAndPolicyTests<PostgresImportsHostFixture>(host);
