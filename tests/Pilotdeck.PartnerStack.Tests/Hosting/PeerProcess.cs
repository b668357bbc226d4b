using System.Diagnostics;

namespace Pilotdeck.PartnerStack.Tests.Hosting;

/// <summary>
/// Runs a partner peer (node, python, buf) from the repository root with a hard time limit and
/// captures its output. Secrets go in through the environment so they stay out of argv.
/// </summary>
public static class PeerProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The jaffle_shop manifest the Guardian tests use, in ../shared/fixtures beside the repository.</summary>
    public static string Manifest => Existing(Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "dbt", "jaffle_shop", "manifest", "v12", "jaffle_shop", "manifest_1.11.json")),
        "the dbt fixtures are missing");

    public static string Buf => Existing(Path.Combine(RepoRoot, "tests", "node_modules", ".bin", "buf"),
        "buf is not installed: run scripts/install-prerequisites.sh (or `cd tests && npm ci`)");

    public static string NodePeer => Existing(Path.Combine(RepoRoot, "tests", "partners", "node", "partner_peer.js"), "the node peer is missing");

    public static string PythonPeer => Existing(Path.Combine(RepoRoot, "tests", "partners", "python", "partner_peer.py"), "the python peer is missing");

    /// <summary>
    /// google/api (the HTTP bindings our protos import) and google/rpc (the error model) as the
    /// Google.Api.CommonProtos NuGet package ships them; peers get the folder in PILOTDECK_GOOGLEAPIS_PROTOS.
    /// </summary>
    public static string GoogleApisProtos { get; } = Path.Combine(PackageFolder("Google.Api.CommonProtos"), "content", "protos");

    /// <summary>The protoc that Grpc.Tools ships: Debian's grpc_tools bundles one too old for proto3 <c>optional</c>.</summary>
    public static string Protoc { get; } = Path.Combine(PackageFolder("Grpc.Tools"), "tools",
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "linux_arm64" : "linux_x64", "protoc");

    /// <summary>Debian's interpreter, where apt puts python3-grpcio; a venv's python3 on PATH would lack it.</summary>
    public const string SystemPython = "/usr/bin/python3";

    /// <param name="workingDirectory">Default: the repository root.</param>
    public static async Task<PeerResult> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PILOTDECK_GOOGLEAPIS_PROTOS"] = GoogleApisProtos;
        start.Environment["PILOTDECK_PROTOC"] = Protoc;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish in time.\n{await stdout}\n{await stderr}");
        }

        return new PeerResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Existing(string path, string why)
    {
        Assert.True(File.Exists(path), $"{path}: {why}");
        return path;
    }

    /// <summary>A package's folder in the NuGet cache, at the version Directory.Packages.props pins.</summary>
    private static string PackageFolder(string id)
    {
        var props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Packages.props"));
        var version = System.Text.RegularExpressions.Regex.Match(props, $"Include=\"{System.Text.RegularExpressions.Regex.Escape(id)}\" Version=\"([^\"]+)\"").Groups[1].Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dir = Path.Combine(packages, id.ToLowerInvariant(), version);
        Assert.True(Directory.Exists(dir), $"{dir} is missing: restore the solution first");
        return dir;
    }

    private static string FindRepoRoot()
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
}

public sealed record PeerResult(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The PASS line of a step, failing the test with the whole output when the step did not pass.</summary>
    public string Passed(string step)
    {
        var line = Lines.FirstOrDefault(l => l == "PASS " + step || l.StartsWith("PASS " + step + ":", StringComparison.Ordinal));
        Assert.True(line is not null, $"step '{step}' did not pass.\n{this}");
        return line!;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
