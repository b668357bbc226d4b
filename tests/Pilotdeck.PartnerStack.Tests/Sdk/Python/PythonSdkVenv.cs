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
        if (Directory.Exists(venv))
        {
            return PythonIn(venv);
        }

        // Built beside the final folder and renamed into place, so a run that is interrupted, or
        // another run building the same sources at the same time, never sees a half-built venv.
        var building = venv + ".building-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await RunAsync(PeerProcess.SystemPython, ["-m", "venv", "--system-site-packages", building]);
            await RunAsync(PythonIn(building), ["-m", "pip", "install", "--no-index", "--disable-pip-version-check", "--quiet", SdkFolder]);
            Directory.Move(building, venv);
        }
        catch (IOException) when (Directory.Exists(venv))
        {
            // Another run finished first; use its venv.
        }
        finally
        {
            if (Directory.Exists(building))
            {
                Directory.Delete(building, recursive: true);
            }
        }

        return PythonIn(venv);
    }

    // A venv's interpreter finds its environment from pyvenv.cfg beside it, so the renamed folder works.
    private static string PythonIn(string venv) => Path.Combine(venv, "bin", "python");

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
