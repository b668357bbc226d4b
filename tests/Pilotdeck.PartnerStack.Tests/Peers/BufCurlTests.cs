using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Peers;

/// <summary>
/// buf curl (connect-go's gRPC, gRPC-Web and Connect clients) as the third partner stack, schema
/// from the server's reflection. gRPC-Web is sent over HTTP/2 prior knowledge, so these also prove
/// that every service really answers gRPC-Web on the h2c port, not only that it is mapped. Connect
/// is buf curl's default protocol: "connect" runs it without --protocol, as people type it.
/// </summary>
public sealed class BufCurlTests(PartnerHost host) : IClassFixture<PartnerHost>
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("grpcweb")]
    [InlineData("connect")]
    public async Task BufCurl_GetCallerIdentity_ReportsTenantAndSubject(string protocol)
    {
        var result = await CurlAsync(protocol, "pilotdeck.identity.v1.IdentityService/GetCallerIdentity", "{}", await host.TokenAsync(), verbose: true);

        Assert.True(result.ExitCode == 0, result.ToString());
        // Verbose mode prints the exchanged headers: the answer must be in the protocol asked for.
        // e.g. "buf: < (#2) Content-Type: application/grpc-web"; the last one answers the RPC itself.
        var answered = Regex.Matches(result.Stderr, @"^buf: < \(#\d+\) Content-Type: (?<type>\S+)", RegexOptions.Multiline | RegexOptions.IgnoreCase);
        Assert.True(answered.Count >= 2, result.ToString());
        var (reflection, call) = protocol switch
        {
            "grpc" => ("application/grpc", "application/grpc"),
            "grpcweb" => ("application/grpc-web", "application/grpc-web"),
            _ => ("application/connect+proto", "application/proto"), // a streaming call, then a unary one
        };
        Assert.All(answered.SkipLast(1), m => Assert.Equal(reflection, m.Groups["type"].Value));
        Assert.Equal(call, answered[^1].Groups["type"].Value);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(host.TenantId, json.GetProperty("tenantId").GetString());
        Assert.Equal(host.ClientId, json.GetProperty("subject").GetString());
        Assert.True(json.GetProperty("isApiClient").GetBoolean());
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpcweb")]
    [InlineData("connect")]
    public async Task BufCurl_AnalyzeProjectInChunks_ReturnsTheAnalysis(string protocol)
    {
        var project = $"buf-{protocol}-{Guid.NewGuid():N}"[..24];
        // buf curl reads a client stream as a sequence of JSON messages; bytes fields are base64.
        var messages = new StringBuilder();
        messages.AppendLine(JsonFormatter.Default.Format(new AnalyzeProjectRequest { Metadata = new AnalyzeProjectMetadata { ProjectName = project } }));
        var manifest = await File.ReadAllBytesAsync(PeerProcess.Manifest);
        const int chunk = 256 * 1024;
        for (var offset = 0; offset < manifest.Length; offset += chunk)
        {
            var piece = ByteString.CopyFrom(manifest, offset, Math.Min(chunk, manifest.Length - offset));
            messages.AppendLine(JsonFormatter.Default.Format(new AnalyzeProjectRequest { ManifestChunk = piece }));
        }

        var file = Path.Combine(Path.GetTempPath(), $"pilotdeck-buf-upload-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, messages.ToString());
        try
        {
            var result = await CurlAsync(protocol, "pilotdeck.guardian.v1.GuardianService/AnalyzeProject", "@" + file, await host.TokenAsync());

            Assert.True(result.ExitCode == 0, result.ToString());
            var analysis = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("analysis");
            Assert.Equal(project, analysis.GetProperty("projectName").GetString());
            Assert.False(string.IsNullOrEmpty(analysis.GetProperty("analysisId").GetString()));
            Assert.True(analysis.GetProperty("coverage").GetProperty("models").GetProperty("total").GetInt32() > 0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpcweb")]
    [InlineData("connect")]
    public async Task BufCurl_CreateMemberWithInvalidEmail_PrintsInvalidArgumentWithErrorInfo(string protocol)
    {
        var result = await CurlAsync(protocol, "pilotdeck.identity.v1.IdentityService/CreateMember",
            """{"email":"not-an-email","role":"TENANT_ROLE_VIEWER","initialPassword":"Correct-Horse-Battery-9"}""", await host.TokenAsync());

        Assert.NotEqual(0, result.ExitCode);
        var error = JsonDocument.Parse(result.Stderr).RootElement;
        Assert.Equal("invalid_argument", error.GetProperty("code").GetString());
        var details = error.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.GetProperty("type").GetString() == "google.rpc.ErrorInfo");
        Assert.Contains(details, d => d.GetProperty("type").GetString() == "google.rpc.BadRequest");
        // buf prints each detail's raw bytes; decode them as a partner without the schema would.
        var info = Google.Rpc.ErrorInfo.Parser.ParseFrom(Convert.FromBase64String(
            Pad(details.First(d => d.GetProperty("type").GetString() == "google.rpc.ErrorInfo").GetProperty("value").GetString()!)));
        Assert.Equal("FIELD_INVALID", info.Reason);
        var badRequest = Google.Rpc.BadRequest.Parser.ParseFrom(Convert.FromBase64String(
            Pad(details.First(d => d.GetProperty("type").GetString() == "google.rpc.BadRequest").GetProperty("value").GetString()!)));
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "email");
    }

    [Theory]
    [InlineData("grpc")]
    [InlineData("grpcweb")]
    [InlineData("connect")]
    public async Task BufCurl_WithoutToken_IsUnauthenticated(string protocol)
    {
        var result = await CurlAsync(protocol, "pilotdeck.identity.v1.IdentityService/GetCallerIdentity", "{}", token: null);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("unauthenticated", JsonDocument.Parse(result.Stderr).RootElement.GetProperty("code").GetString());
    }

    // Connect prints unpadded base64 for bytes; .NET's decoder wants the padding.
    private static string Pad(string base64) => base64.Replace('-', '+').Replace('_', '/').PadRight((base64.Length + 3) / 4 * 4, '=');

    /// <param name="protocol">grpc or grpcweb; connect leaves buf curl's default (the Connect protocol).</param>
    private Task<PeerResult> CurlAsync(string protocol, string method, string data, string? token, bool verbose = false)
    {
        var args = new List<string> { "curl", "--http2-prior-knowledge", "-d", data };
        if (protocol != "connect")
        {
            args.AddRange(["--protocol", protocol]);
        }

        if (verbose)
        {
            args.Add("-v");
        }

        if (token is not null)
        {
            args.AddRange(["-H", "authorization: Bearer " + token]);
        }

        args.Add($"{host.BaseUrl}/{method}");
        return PeerProcess.RunAsync(PeerProcess.Buf, args);
    }
}
