namespace Pilotdeck.Bench.Api;

/// <summary>One side of the comparison: a gRPC path, the h2load headers it needs, and its OK-call counter.</summary>
internal sealed record BenchTarget(string Name, string Path, IReadOnlyList<string> Headers)
{
    public const string ServerInfoPath = "/pilotdeck.system.v1.SystemService/GetServerInfo";
    public const string CallerIdentityPath = "/pilotdeck.identity.v1.IdentityService/GetCallerIdentity";

    /// <summary>
    /// The request body h2load posts to both: one uncompressed gRPC message of length zero. An empty
    /// GetServerInfoRequest and an empty GetCallerIdentityRequest are both zero-length protobuf, so
    /// the two endpoints receive byte-identical requests.
    /// </summary>
    public static readonly byte[] EmptyMessageFrame = [0, 0, 0, 0, 0];

    /// <summary>The unauthenticated system call the issue names as the baseline: same runtime, no token, no database.</summary>
    public static BenchTarget Unauthenticated() => new("server info (anonymous)", ServerInfoPath, []);

    public static BenchTarget Authenticated(string accessToken) => new("caller identity (token)", CallerIdentityPath, ["authorization: Bearer " + accessToken]);

    /// <summary>Calls of this method that completed with status OK so far, as the server counted them.</summary>
    public long OkCalls() => Interlocked.Read(ref CallCountingInterceptor.For(Path).Ok);
}
