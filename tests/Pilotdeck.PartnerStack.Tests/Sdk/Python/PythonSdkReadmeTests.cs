using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>
/// The Python SDK README's examples, run as printed against the real host with an API client holding
/// the scopes the README names: the first as a script (its placeholders — the API client, the
/// addresses — filled in, its files beside it), the import example inside the first one's
/// <c>with</c> block, whose <c>api</c> it uses; then the asyncio example as a script of its own.
/// </summary>
public sealed partial class PythonSdkReadmeTests(PythonSdkHost host) : IClassFixture<PythonSdkHost>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pilotdeck-python-readme-").FullName;

    [Fact]
    public async Task PythonSdk_ReadmeExamples_RunAsPrinted()
    {
        var blocks = PythonBlocks();
        Assert.Equal(3, blocks.Count);
        Directory.CreateDirectory(Path.Combine(_work, "target"));
        File.Copy(PeerProcess.Manifest, Path.Combine(_work, "target", "manifest.json"));
        File.Copy(Path.Combine(PeerProcess.RepoRoot, "docs", "runbooks", "pilot_cohort_seed.csv"), Path.Combine(_work, "pilot_cohort_seed.csv"));
        var client = await CreateClientWithTheReadmesScopesAsync();
        var script = Path.Combine(_work, "readme.py");
        await File.WriteAllTextAsync(script, string.Join('\n', Filled(CreateCohort("fall-2025"), client), Filled(blocks[0], client), Indented(blocks[1])));

        var result = await PeerProcess.RunAsync(await PythonSdkVenv.PythonAsync(), [script], workingDirectory: _work);

        Assert.True(result.ExitCode == 0, $"{result}\n--- readme.py ---\n{File.ReadAllText(script)}");
        Assert.StartsWith($"{host.TenantId} [", result.Lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^\S+ \d+$", result.Lines[1]); // the analysis id and its gap count
        Assert.StartsWith("StatusCode.INVALID_ARGUMENT FIELD_INVALID [('email', ", result.Lines[2], StringComparison.Ordinal);
        // Planned (3), created and rejected counts, the plan hash; the commit after it raises unless it applies.
        Assert.Matches(@"^3 [1-9]\d* \d+ [0-9a-f]{64}$", result.Lines[3]);

        var asyncScript = Path.Combine(_work, "readme_async.py");
        await File.WriteAllTextAsync(asyncScript, Filled(blocks[2], client));
        var asyncResult = await PeerProcess.RunAsync(await PythonSdkVenv.PythonAsync(), [asyncScript], workingDirectory: _work);

        Assert.True(asyncResult.ExitCode == 0, $"{asyncResult}\n--- readme_async.py ---\n{File.ReadAllText(asyncScript)}");
        // The watched import ends planned; the two calls made together both answered.
        Assert.Matches($@"^IMPORT_STATE_PLANNED [1-9]\d* {client.Id}$", asyncResult.Lines[^1]);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>An API client holding the scopes the README names, and no more: a scope the examples need and it leaves out fails them.</summary>
    private async Task<(string Id, string Secret)> CreateClientWithTheReadmesScopesAsync()
    {
        var scopes = ReadmeScopes().Match(Readme()).Groups["scopes"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(scopes);
        await using var scope = host.Host.Services.CreateTenantScope(host.TenantId);
        var issued = await scope.ServiceProvider.GetRequiredService<ApiClients>().CreateAsync("python-readme", scopes);
        return (issued.Client.ClientId, issued.Secret);
    }

    /// <summary>The README's addresses and API client replaced by the test host's.</summary>
    private string Filled(string code, (string Id, string Secret) client) => code
        .Replace("http://127.0.0.1:5080", host.BaseUrl, StringComparison.Ordinal)
        .Replace("http://127.0.0.1:5082", host.Host.RestAddress.ToString().TrimEnd('/'), StringComparison.Ordinal)
        .Replace("\"pdc_…\"", $"\"{client.Id}\"", StringComparison.Ordinal)
        .Replace("\"pds_…\"", $"\"{client.Secret}\"", StringComparison.Ordinal);

    private static string Indented(string block) => string.Join('\n', block.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    /// <summary>What the README says must exist, made with the same client (cohorts.write).</summary>
    private static string CreateCohort(string slug) => $"""
        import pilotdeck_client as pd
        with pd.connect("http://127.0.0.1:5080", pd.client_credentials("pdc_…", "pds_…"), auth_url="http://127.0.0.1:5082") as setup:
            setup.cohorts.CreateCohort(pd.cohorts_pb2.CreateCohortRequest(cohort=pd.cohorts_pb2.Cohort(slug="{slug}", title="Fall")))

        """;

    private static string Readme() => File.ReadAllText(Path.Combine(PythonSdkVenv.SdkFolder, "README.md"));

    private static List<string> PythonBlocks() => [.. PythonBlock().Matches(Readme()).Select(m => m.Groups["code"].Value)];

    [GeneratedRegex(@"scopes `(?<scopes>[a-z. ]+)`")]
    private static partial Regex ReadmeScopes();

    [GeneratedRegex(@"```python\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();
}
