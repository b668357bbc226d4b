using System.Text.RegularExpressions;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk;

/// <summary>
/// What a partner does with the TypeScript SDK: installs the tarball `npm pack` makes into an empty
/// project and runs the README's first example against the real host.
/// </summary>
public sealed partial class TypeScriptSdkPackageTests(TypeScriptSdkHost host) : IClassFixture<TypeScriptSdkHost>, IDisposable
{
    private static readonly string SdkDirectory = Path.Combine(PeerProcess.RepoRoot, "clients", "typescript");

    private readonly string _work = Directory.CreateTempSubdirectory("pilotdeck-ts-pack-").FullName;

    [Fact]
    public async Task TypeScriptSdk_ReadmeExample_RunsFromThePackedTarball()
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
        var example = Path.Combine(app, "members.mjs");
        await File.WriteAllTextAsync(example, FirstJavaScriptBlock(await File.ReadAllTextAsync(Path.Combine(SdkDirectory, "README.md"))));

        var result = await PeerProcess.RunAsync("node", [example], host.SdkEnvironment);

        Succeeded(result);
        Assert.Matches($@"^{Regex.Escape(host.TenantId)}: [1-9]\d* members$", result.Lines[0]);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static void Succeeded(PeerResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static string FirstJavaScriptBlock(string readme)
    {
        var block = JsBlock().Match(readme);
        Assert.True(block.Success, "README.md has no ```js block");
        return block.Groups["code"].Value;
    }

    [GeneratedRegex(@"```js\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsBlock();
}
