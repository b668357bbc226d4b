using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using nietras.SeparatedValues;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.Imports;

/// <summary>
/// The import framework and the identities importer on the real host, per provider: dry-run,
/// commit, re-commit unchanged, plan hash checks, bad rows and bad files, upload limits, jobs,
/// and tenant isolation.
/// </summary>
public abstract class ImportsApiTests<TFixture> : IClassFixture<TFixture>
    where TFixture : ImportsHostFixture
{
    private readonly TFixture _host;
    private readonly ImportsTestSupport _support;

    protected ImportsApiTests(TFixture host)
    {
        _host = host;
        _support = new ImportsTestSupport(host);
    }

    [Fact]
    public async Task DryRunThenCommit_AppliesThePlan_AndTheSameFileAgainIsAllUnchanged()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var d = ImportsTestSupport.Domain();
        var csv = ImportsTestSupport.Csv(
            $"ann@{d},,Ann,Lee,true,ADMIN",
            $"bob@{d},bob@{d},Bob,,yes,viewer|analyst",
            $"cy@{d},,,,1,",
            $"not-an-email,,,,true,VIEWER",
            $"dee@{d},,,,true,SUPERUSER",
            $"ANN@{d},,,,true,VIEWER");

        var plan = await _support.DryRunAsync(owner, csv);

        Assert.Equal((ImportState.Planned, 3L, 0L, 0L, 3L), (plan.State, plan.CreatedCount, plan.UpdatedCount, plan.UnchangedCount, plan.RejectedCount));
        Assert.Matches("^[0-9a-f]{64}$", plan.PlanHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csv)), plan.SourceSha256);
        var rejected = await _support.RowsAsync(owner, plan.ImportId, RowOutcome.Rejected);
        Assert.Equal([4L, 5L, 6L], rejected.Select(r => r.RowNumber));
        Assert.Equal("userName", rejected[0].Field);
        Assert.Contains("not a role", rejected[1].Reason);
        Assert.Contains("duplicate of row 1", rejected[2].Reason);

        var committed = (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, owner)).Import;

        Assert.Equal(ImportState.Committed, committed.State);
        var members = await new IdentityService.IdentityServiceClient(_host.CreateChannel()).ListMembersAsync(new ListMembersRequest { PageSize = 200 }, owner);
        var imported = members.Members.Where(m => m.Email.EndsWith(d, StringComparison.Ordinal)).ToDictionary(m => m.Email, m => m.Role);
        Assert.Equal(new Dictionary<string, TenantRole> { [$"ann@{d}"] = TenantRole.Admin, [$"bob@{d}"] = TenantRole.Analyst, [$"cy@{d}"] = TenantRole.Viewer }, imported);
        var receipts = await ReceiptsAsync("acme");
        Assert.Single(receipts, r => r.Subject == "imports/" + plan.ImportId && r.Action == "imports.commit" && r.DecisionId != null);
        var memberReceipts = receipts.Count(r => r.Action == "/pilotdeck.identity.v1.IdentityService/CreateMember");

        var again = await _support.DryRunAsync(owner, csv);
        Assert.Equal((0L, 0L, 3L, 3L), (again.CreatedCount, again.UpdatedCount, again.UnchangedCount, again.RejectedCount));
        await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = again.ImportId, PlanHash = again.PlanHash }, owner);
        Assert.Equal(memberReceipts, (await ReceiptsAsync("acme")).Count(r => r.Action == "/pilotdeck.identity.v1.IdentityService/CreateMember"));
    }

    [Fact]
    public async Task Commit_AfterTheDataChanged_IsPlanChanged_AndWritesNothing()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var identity = new IdentityService.IdentityServiceClient(_host.CreateChannel());
        var d = ImportsTestSupport.Domain();
        var existing = await identity.CreateMemberAsync(new CreateMemberRequest { Email = $"eve@{d}", Role = TenantRole.Viewer, InitialPassword = "Member-Password-123" }, owner);
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"eve@{d},,,,true,ANALYST", $"fay@{d},,,,true,VIEWER"));
        Assert.Equal((1L, 1L), (plan.CreatedCount, plan.UpdatedCount));

        await identity.UpdateMemberAsync(new UpdateMemberRequest { Member = new Member { UserId = existing.Member.UserId, Role = TenantRole.Facilitator }, UpdateMask = new() { Paths = { "role" } } }, owner);
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, owner).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, "IMPORT_PLAN_CHANGED"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Contains("dry-run again", ex.Status.Detail);
        var members = await identity.ListMembersAsync(new ListMembersRequest { PageSize = 200 }, owner);
        Assert.DoesNotContain(members.Members, m => m.Email == $"fay@{d}");
        Assert.Equal(TenantRole.Facilitator, members.Members.Single(m => m.Email == $"eve@{d}").Role);
        Assert.Equal(ImportState.Planned, (await _support.Imports.GetImportAsync(new GetImportRequest { ImportId = plan.ImportId }, owner)).Import.State);

        var replanned = (await _support.Imports.PlanImportAsync(new PlanImportRequest { ImportId = plan.ImportId }, owner)).Import;
        Assert.NotEqual(plan.PlanHash, replanned.PlanHash);
        var committed = await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = replanned.PlanHash }, owner);
        Assert.Equal(ImportState.Committed, committed.Import.State);
    }

    [Fact]
    public async Task TwoCommitsAtOnce_ApplyThePlanOnce()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var d = ImportsTestSupport.Domain();
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv([.. Enumerable.Range(0, 120).Select(i => $"twice{i}@{d},,,,true,VIEWER")]));
        var commit = new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                return (await _support.Imports.CommitImportAsync(commit, owner)).Import.State.ToString();
            }
            catch (RpcException ex)
            {
                return ApiErrors.ReasonOf(ex);
            }
        }));

        Assert.Equal(["Committed", "IMPORT_STATE_INVALID"], outcomes.Order());
        var subjects = (await CountAsync("acme", db => db.Users.Where(u => u.Email.EndsWith(d)).Select(u => "members/" + u.Id).ToListAsync())).ToHashSet();
        Assert.Equal(120, subjects.Count);
        Assert.Equal(120, (await ReceiptsAsync("acme")).Count(r => subjects.Contains(r.Subject)));
        Assert.Single(await ReceiptsAsync("acme"), r => r.Subject == "imports/" + plan.ImportId && r.Action == "imports.commit");
    }

    [Fact]
    public async Task MalformedCsv_BecomesRejectedRows_AndQuotedBomCrlfFilesRead()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var d = ImportsTestSupport.Domain();
        var text = "\uFEFF" + ImportsTestSupport.Header + "\r\n" +
            $"\"gus@{d}\",,\"Gus, Jr.\",\"O\"\"Neil\",true,VIEWER\r\n" +
            $"hal@{d},,,,true\r\n" +
            $"ivy@{d},,,,true,VIEWER\r\n" +
            $"\"jo@{d},,,,true,VIEWER\r\n" +
            $"kim@{d},,,,true,VIEWER\r\n";

        var plan = await _support.DryRunAsync(owner, Encoding.UTF8.GetBytes(text));

        var rows = await _support.RowsAsync(owner, plan.ImportId);
        Assert.Equal(RowOutcome.Created, rows[0].Outcome);
        Assert.Equal($"GUS@{d.ToUpperInvariant()}", rows[0].Key);
        Assert.Equal((RowOutcome.Rejected, "has 5 columns, the header has 6"), (rows[1].Outcome, rows[1].Reason));
        Assert.Equal(RowOutcome.Created, rows[2].Outcome);
        Assert.Equal(RowOutcome.Rejected, rows[3].Outcome);
        Assert.Contains("quote", rows[3].Reason);
    }

    [Theory]
    [InlineData(new byte[] { 0x75, 0x73, 0x65, 0x72, 0x00, 0x01, 0x02 }, "NUL")]
    [InlineData(new byte[] { 0x75, 0x73, 0x65, 0x72, 0x4e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x41 }, "UTF-8")]
    [InlineData(new byte[] { }, "empty")]
    public async Task NotCsv_IsInvalidArgument_WithAClearReason(byte[] file, string says)
    {
        var owner = await _support.OwnerAsync(_host.Acme);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.DryRunAsync(owner, file));

        Assert.Equal((StatusCode.InvalidArgument, "IMPORT_NOT_CSV"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Contains(says, ex.Status.Detail);
    }

    [Fact]
    public async Task HeaderWithoutUserName_IsHeaderInvalid()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.DryRunAsync(OwnerSync(), Encoding.UTF8.GetBytes("email,role\na@b.example.com,VIEWER\n")));

        Assert.Equal((StatusCode.InvalidArgument, "IMPORT_HEADER_INVALID"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Contains("userName", ex.Status.Detail);
    }

    [Theory]
    [InlineData("userName;roles\na@b.example.com;VIEWER\n", "looks separated by semicolons")]
    [InlineData("userName\troles\na@b.example.com\tVIEWER\n", "looks separated by tabs")]
    public async Task HeaderOfAnotherShape_IsHeaderInvalid_AndSaysWhy(string csv, string says)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.DryRunAsync(OwnerSync(), Encoding.UTF8.GetBytes(csv)));

        Assert.Equal((StatusCode.InvalidArgument, "IMPORT_HEADER_INVALID"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        Assert.Contains(says, ex.Status.Detail);
    }

    [Fact]
    public async Task OversizedUpload_IsRefused_AndTheServerKeepsServing()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var line = Encoding.UTF8.GetBytes($"someone@{ImportsTestSupport.Domain()},,,,true,VIEWER\n");
        var big = new byte[ImportsHostFixture.MaxUploadBytes + 4096];
        for (var i = 0; i < big.Length; i++)
        {
            big[i] = line[i % line.Length];
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => _support.UploadAsync(owner, big));

        Assert.Equal((StatusCode.ResourceExhausted, "UPLOAD_TOO_LARGE"), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
        var after = await _support.DryRunAsync(owner, ImportsTestSupport.Csv($"ok@{ImportsTestSupport.Domain()},,,,true,VIEWER"));
        Assert.Equal(1L, after.CreatedCount);
    }

    [Fact]
    public async Task BigFile_IsPlannedAndCommittedByJobs_WithProgress()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var d = ImportsTestSupport.Domain();
        var csv = ImportsTestSupport.Csv([.. Enumerable.Range(0, 1200).Select(i => $"user{i:D5}@{d},,Given{i},Family{i},true,VIEWER")]);
        Assert.True(csv.Length > 32768);

        var uploaded = await _support.UploadAsync(owner, csv, chunkSize: 16 * 1024);
        Assert.Equal(ImportState.Planning, uploaded.State);
        Assert.NotEmpty(uploaded.JobId);
        var (_, planned) = await _support.WatchAsync(owner, uploaded.ImportId);
        Assert.Equal((ImportState.Planned, 1200L, 1200L), (planned.State, planned.CreatedCount, planned.RowsDone));

        var committing = (await _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = planned.ImportId, PlanHash = planned.PlanHash }, owner)).Import;
        Assert.Equal(ImportState.Committing, committing.State);
        var (_, done) = await _support.WatchAsync(owner, planned.ImportId);

        Assert.Equal(ImportState.Committed, done.State);
        Assert.Equal(1200, await CountAsync("acme", db => db.Users.CountAsync(u => u.Email.EndsWith(d))));
    }

    [Fact]
    public async Task AnotherTenantsImport_IsNotFound_LikeAnUnknownOne()
    {
        var acme = await _support.OwnerAsync(_host.Acme);
        var demo = await _support.OwnerAsync(_host.Demo);
        var plan = await _support.DryRunAsync(acme, ImportsTestSupport.Csv($"iso@{ImportsTestSupport.Domain()},,,,true,VIEWER", "bad,,,,true,VIEWER"));

        var calls = new Func<Task>[]
        {
            () => _support.Imports.GetImportAsync(new GetImportRequest { ImportId = plan.ImportId }, demo).ResponseAsync,
            () => _support.Imports.CommitImportAsync(new CommitImportRequest { ImportId = plan.ImportId, PlanHash = plan.PlanHash }, demo).ResponseAsync,
            () => _support.Imports.ListImportRowsAsync(new ListImportRowsRequest { ImportId = plan.ImportId }, demo).ResponseAsync,
            () => _support.Imports.GetImportManifestAsync(new GetImportManifestRequest { ImportId = plan.ImportId }, demo).ResponseAsync,
            () => _support.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = plan.ImportId }, demo).ResponseAsync,
        };
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _support.Imports.GetImportAsync(new GetImportRequest { ImportId = "imp_unknown" }, demo).ResponseAsync);

        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal((unknown.StatusCode, ApiErrors.ReasonOf(unknown)), (ex.StatusCode, ApiErrors.ReasonOf(ex)));
            Assert.Equal(unknown.Status.Detail.Replace("imp_unknown", plan.ImportId), ex.Status.Detail);
        }

        var list = await _support.Imports.ListImportsAsync(new ListImportsRequest { PageSize = 200 }, demo);
        Assert.DoesNotContain(list.Imports, i => i.ImportId == plan.ImportId);
        Assert.Equal(ImportState.Planned, (await _support.Imports.GetImportAsync(new GetImportRequest { ImportId = plan.ImportId }, acme)).Import.State);
    }

    [Fact]
    public async Task FailedRows_AreTheFilesOwnColumnsPlusReason_WithFormulasEscaped()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv("=HYPERLINK(\"x\"),,,,true,VIEWER", $"fine@{ImportsTestSupport.Domain()},,,,maybe,VIEWER"));

        var failed = await _support.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = plan.ImportId }, owner);

        var lines = failed.Csv.ToStringUtf8().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(ImportsTestSupport.Header + ",reason", lines[0]);
        Assert.StartsWith("\"'=HYPERLINK(\"\"x\"\")\"", lines[1]);
        Assert.EndsWith(",\"active: must be true/false, yes/no, 1/0 or y/n\"", lines[2]);
        Assert.Equal("members.failed-rows.csv", failed.FileName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FailedRows_StartWithAByteOrderMark_WhenTheFileDid(bool byteOrderMark)
    {
        // Excel saves "CSV UTF-8" with one, and needs it back to read the fixed rows' Chinese names.
        var owner = await _support.OwnerAsync(_host.Acme);
        var csv = ImportsTestSupport.Csv("王芳,,,,maybe,VIEWER");
        var plan = await _support.DryRunAsync(owner, byteOrderMark ? [.. Encoding.UTF8.Preamble, .. csv] : csv);

        var failed = (await _support.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = plan.ImportId }, owner)).Csv.ToByteArray();

        Assert.Equal(byteOrderMark, failed.AsSpan().StartsWith(Encoding.UTF8.Preamble));
        Assert.StartsWith(ImportsTestSupport.Header + ",reason", Encoding.UTF8.GetString(failed.AsSpan(byteOrderMark ? 3 : 0)), StringComparison.Ordinal);
        Assert.Contains("王芳", Encoding.UTF8.GetString(failed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedRows_OfWrongWidthOrBrokenQuotes_KeepEveryCellAndTheReasonsInOneColumn()
    {
        var owner = await _support.OwnerAsync(_host.Acme);
        var plan = await _support.DryRunAsync(owner, ImportsTestSupport.Csv(
            "short@example.com,Short",
            "long@example.com,,Smith, Jo,,true,VIEWER,spill",
            "\"broken@example.com,,,,true,VIEWER"));
        Assert.Equal(3, plan.RejectedCount);

        var failed = await _support.Imports.GetFailedRowsAsync(new GetFailedRowsRequest { ImportId = plan.ImportId }, owner);

        var rows = new List<string[]>();
        using (var reader = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true }).FromText(failed.Csv.ToStringUtf8()))
        {
            foreach (var row in reader)
            {
                var cells = new string[row.ColCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = row[i].ToString();
                }

                rows.Add(cells);
            }
        }

        Assert.Equal([.. ImportsTestSupport.Header.Split(','), "extra_1", "extra_2", "reason"], rows[0]);
        Assert.All(rows, row => Assert.Equal(9, row.Length));
        Assert.Equal(["short@example.com", "Short", "", "", "", "", "", ""], rows[1][..8]);
        Assert.Equal(["Smith", " Jo"], rows[2][2..4]);
        Assert.Equal("spill", rows[2][7]);
        Assert.StartsWith("\"broken@example.com", rows[3][0]);
        Assert.Contains("has 2 columns, the header has 6", rows[1][8]);
        Assert.Contains("has 8 columns, the header has 6", rows[2][8]);
        Assert.Contains("opens a quote that is not closed", rows[3][8]);
    }

    private Metadata OwnerSync() => _support.OwnerAsync(_host.Acme).GetAwaiter().GetResult();

    private async Task<List<Data.Receipts.ReceiptRecord>> ReceiptsAsync(string tenantId) =>
        await CountAsync(tenantId, db => db.Receipts.AsNoTracking().ToListAsync());

    private async Task<T> CountAsync<T>(string tenantId, Func<PilotdeckDbContext, Task<T>> query)
    {
        await using var scope = _host.Services.CreateTenantScope(tenantId);
        return await query(scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>());
    }
}

public sealed class SqliteImportsApiTests(SqliteImportsHostFixture host) : ImportsApiTests<SqliteImportsHostFixture>(host);

public sealed class PostgresImportsApiTests(PostgresImportsHostFixture host) : ImportsApiTests<PostgresImportsHostFixture>(host);
