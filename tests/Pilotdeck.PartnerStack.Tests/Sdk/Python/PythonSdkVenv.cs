using System.Security.Cryptography;
using System.Text;
using Pilotdeck.PartnerStack.Tests.Hosting;

namespace Pilotdeck.PartnerStack.Tests.Sdk.Python;

/// <summary>
/// A virtual environment with clients/python installed the way a partner installs it:
/// <c>python3 -m venv --system-site-packages</c> (grpcio and protobuf from Debian) and
/// <c>pip install ./clients/python</c> with no package index. Built once per test run and kept in
/// the temp directory under a hash of the SDK's sources and the protos, so an unchanged SDK is not
/// reinstalled by the next run.
/// </summary>
public static class PythonSdkVenv
{
    private static readonly Lazy<Task<string>> Python = new(CreateAsync);

    public static string SdkFolder => Path.Combine(PeerProcess.RepoRoot, "clients", "python");

    /// <summary>The venv's python executable, creating the venv on first use.</summary>
    public static Task<string> PythonAsync() => Python.Value;

    private static async Task<string> CreateAsync()
    {
        var venv = Path.Combine(Path.GetTempPath(), "pilotdeck-python-sdk-" + SourceHash());
        var python = Path.Combine(venv, "bin", "python");
        var installed = Path.Combine(venv, ".installed");
        if (File.Exists(installed))
        {
            return python;
        }

        // A half-built venv from an interrupted run is rebuilt from scratch.
        if (Directory.Exists(venv))
        {
            Directory.Delete(venv, recursive: true);
        }

        await RunAsync(PeerProcess.SystemPython, ["-m", "venv", "--system-site-packages", venv]);
        await RunAsync(python, ["-m", "pip", "install", "--no-index", "--disable-pip-version-check", "--quiet", SdkFolder]);
        await File.WriteAllTextAsync(installed, DateTimeOffset.UtcNow.ToString("O"));
        return python;
    }

    private static async Task RunAsync(string fileName, string[] arguments)
    {
        var result = await PeerProcess.RunAsync(fileName, arguments, timeout: TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)}\n{result}");
    }

    private static string SourceHash()
    {
        var folders = new[] { Path.Combine(SdkFolder, "src"), Path.Combine(SdkFolder, "build_backend"), Path.Combine(PeerProcess.RepoRoot, "protos") };
        var files = folders.SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .Append(Path.Combine(SdkFolder, "pyproject.toml"))
            .Where(f => !f.Contains("__pycache__", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(PeerProcess.RepoRoot, file)));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
