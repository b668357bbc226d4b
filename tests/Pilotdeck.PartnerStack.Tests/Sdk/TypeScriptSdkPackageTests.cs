using System.Text.RegularExpressions;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk;

/// <summary>
/// What a partner does with the TypeScript SDK: installs the tarball `npm pack` makes into an empty
/// project, runs the README's first example against the real host, and type-checks every example
/// of the README (tsc on JavaScript, against the package's declarations) — the later ones use the
/// first one's client, so they are checked as one module.
/// </summary>
public sealed partial class TypeScriptSdkPackageTests(TypeScriptSdkHost host) : IClassFixture<TypeScriptSdkHost>, IDisposable
{
    private static readonly string SdkDirectory = Path.Combine(PeerProcess.RepoRoot, "clients", "typescript");

    private readonly string _work = Directory.CreateTempSubdirectory("pilotdeck-ts-pack-").FullName;

    [Fact]
    public async Task TypeScriptSdk_ReadmeExample_RunsFromThePackedTarball()
    {
        var app = await InstallPackedTarballAsync();
        var example = Path.Combine(app, "members.mjs");
        await File.WriteAllTextAsync(example, JavaScriptBlocks()[0]);

        var result = await PeerProcess.RunAsync("node", [example], host.SdkEnvironment);

        Succeeded(result);
        Assert.Matches($@"^{Regex.Escape(host.TenantId)}: [1-9]\d* members$", result.Lines[0]);
    }

    [Fact]
    public async Task TypeScriptSdk_EveryReadmeExample_TypeChecksAgainstThePackage()
    {
        var app = await InstallPackedTarballAsync();
        var blocks = JavaScriptBlocks();
        Assert.Contains(blocks, b => b.Contains("uploadImportRequests", StringComparison.Ordinal));
        var examples = Path.Combine(app, "examples.mjs");
        await File.WriteAllTextAsync(examples, OneModule(blocks));

        // @types/node is the SDK's own dev dependency: the examples read files with node:fs.
        var result = await PeerProcess.RunAsync(Path.Combine(SdkDirectory, "node_modules", ".bin", "tsc"),
        [
            "--noEmit", "--allowJs", "--checkJs", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
            "--typeRoots", Path.Combine(SdkDirectory, "node_modules", "@types"), "--types", "node", examples,
        ]);

        Assert.True(result.ExitCode == 0, $"{result}\n--- examples.mjs ---\n{File.ReadAllText(examples)}");
    }

    private async Task<string> InstallPackedTarballAsync()
    {
        Assert.True(File.Exists(Path.Combine(SdkDirectory, "dist", "index.js")), "clients/typescript is not built: run scripts/install-prerequisites.sh");
        // --ignore-scripts: prepack would rebuild dist/ while other tests import it; it is built already.
        Succeeded(await PeerProcess.RunAsync("npm", ["pack", SdkDirectory, "--pack-destination", _work, "--ignore-scripts", "--silent"]));
        var tarball = Assert.Single(Directory.GetFiles(_work, "pilotdeck-client-*.tgz"));
        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "package.json"), """{ "name": "readme-example", "private": true, "type": "module" }""");
        // --prefer-offline: the SDK's dependency tarballs are in npm's cache since `npm ci` installed them. Their
        // version lists are not (`npm ci` reads versions from the lock file), so on a fresh machine npm asks the
        // registry for those, as a partner's install would; --offline failed there with ENOTCACHED.
        Succeeded(await PeerProcess.RunAsync("npm", ["install", "--prefix", app, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball]));
        return app;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static void Succeeded(PeerResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static List<string> JavaScriptBlocks()
    {
        var blocks = JsBlock().Matches(File.ReadAllText(Path.Combine(SdkDirectory, "README.md"))).Select(m => m.Groups["code"].Value).ToList();
        Assert.True(blocks.Count > 0, "README.md has no ```js block");
        return blocks;
    }

    /// <summary>The examples one after the other, their imports merged at the top (each name once per module).</summary>
    private static string OneModule(List<string> blocks)
    {
        var lines = blocks.SelectMany(b => b.Split('\n')).ToList();
        var imports = lines.Select(l => NamedImport().Match(l)).Where(m => m.Success)
            .GroupBy(m => m.Groups["module"].Value)
            .Select(g => $"import {{ {string.Join(", ", g.SelectMany(m => m.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries)).Distinct())} }} from '{g.Key}';");
        return string.Join('\n', [.. imports, .. lines.Where(l => !NamedImport().IsMatch(l))]);
    }

    [GeneratedRegex(@"^import \{ (?<names>[^}]+) \} from '(?<module>[^']+)';$")]
    private static partial Regex NamedImport();

    [GeneratedRegex(@"```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsBlock();
}
