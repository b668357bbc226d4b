using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pilotdeck.Client.Tests;

/// <summary>
/// The SDK as partners get it: <c>dotnet pack</c> output, restored into a fresh console project
/// whose Program.cs is the SDK README's first C# example followed by its uploads, dependency
/// injection and error examples (which use the first one's client), and which must compile.
/// </summary>
public sealed partial class PackageTests
{
    [Fact]
    public async Task Package_ReadmeExamples_CompileAgainstThePackage()
    {
        var repo = RepoRoot();
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "pilotdeck-pack-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var pack = Path.Combine(work, "pack");
            var packed = await RunAsync("dotnet", ["pack", Path.Combine(repo, "clients", "dotnet", "Pilotdeck.Client"), "-c", "Release", "--no-build", "-o", pack, "-nologo"], repo);
            Assert.True(packed.Exit == 0, packed.Output);

            var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
            var readme = await File.ReadAllTextAsync(Path.Combine(repo, "clients", "dotnet", "Pilotdeck.Client", "README.md"));
            var blocks = CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
            Assert.Contains("PilotdeckClient.Create", blocks[0], StringComparison.Ordinal);
            var uploads = Assert.Single(blocks, b => b.Contains("UploadImportAsync", StringComparison.Ordinal));
            var injection = Assert.Single(blocks, b => b.Contains("AddPilotdeckClient", StringComparison.Ordinal));
            var errors = Assert.Single(blocks, b => b.StartsWith("catch (RpcException", StringComparison.Ordinal));
            // The DI example's `builder` is an app's host builder: here just something with a service collection.
            // The error example is the catch of a call: here the first example's client makes it.
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program(
                blocks[0],
                uploads,
                "var builder = new { Services = new Microsoft.Extensions.DependencyInjection.ServiceCollection() };\n" + injection,
                "using Grpc.Core;\ntry\n{\n    await pilotdeck.Identity.ListMembersAsync(new ListMembersRequest());\n}\n" + errors));
            // Its own packages folder, so a cached Pilotdeck.Client of the same version is never used;
            // everything else comes from the machine's cache when it is there.
            await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <RestoreAdditionalProjectSources>{pack}</RestoreAdditionalProjectSources>
                    <RestorePackagesPath>{Path.Combine(work, "packages")}</RestorePackagesPath>
                    <RestoreFallbackFolders>{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}</RestoreFallbackFolders>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Pilotdeck.Client" Version="0.1.0" />
                  </ItemGroup>
                </Project>
                """);

            var built = await RunAsync("dotnet", ["build", app, "-nologo", "-v:q"], app);
            Assert.True(built.Exit == 0, built.Output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    /// <summary>The examples one after the other, with their using directives first, as C# wants them.</summary>
    private static string Program(params string[] examples)
    {
        var lines = examples.SelectMany(e => e.Split('\n')).ToList();
        var usings = lines.Where(l => UsingDirective().IsMatch(l)).Distinct();
        return string.Join('\n', [.. usings, .. lines.Where(l => !UsingDirective().IsMatch(l))]);
    }

    [GeneratedRegex(@"^using [A-Za-z0-9.]+;$")]
    private static partial Regex UsingDirective();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Grpc.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
