namespace Pilotdeck.Interop.Tests;

/// <summary>Where the peers live; the repository root is the directory holding Grpc.sln.</summary>
internal static class RepoLayout
{
    public static string Root { get; } = FindRoot();

    public static string TestsDirectory => Path.Combine(Root, "tests");

    public static string NodeClientScript => Path.Combine(Root, "tests", "Interop", "node", "interop_client.js");

    public static string NodeServerScript => Path.Combine(Root, "tests", "Interop", "node", "interop_server.js");

    public static string PythonClientScript => Path.Combine(Root, "tests", "Interop", "python", "interop_client.py");

    /// <summary>Debian's grpcio is installed for the system interpreter only, so the peer must not pick up another python3 from PATH.</summary>
    public const string SystemPython = "/usr/bin/python3";

    public const string NodeSetupHint =
        "Install the grpc-js peers with `cd tests && npm ci` (the repository's test script does this); Node.js >= 20 must be on PATH.";

    public const string PythonSetupHint =
        "Install the python peer with `apt-get install -y python3-grpcio python3-grpc-tools` (the repository's test script does this); it runs with /usr/bin/python3.";

    /// <summary>Null when the grpc-js packages the node peers load are installed, else what to do about it.</summary>
    public static string? MissingNodeModules()
    {
        var modules = Path.Combine(TestsDirectory, "node_modules");
        var missing = new[] { "@grpc/grpc-js", "@grpc/proto-loader" }
            .Where(package => !File.Exists(Path.Combine(modules, package, "package.json")))
            .ToList();
        return missing.Count == 0
            ? null
            : $"{modules} lacks {string.Join(" and ", missing)}. {NodeSetupHint}";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Grpc.sln above {AppContext.BaseDirectory}; the interop tests must run from a checkout.");
    }
}
