using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Pilotdeck.Contracts.System.V1;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Features.System;

/// <summary>Reports what this server is: version, build and the digest of every contract it serves.</summary>
public sealed class SystemService(ServerInfo info) : Contracts.System.V1.SystemService.SystemServiceBase
{
    public override Task<GetServerInfoResponse> GetServerInfo(GetServerInfoRequest request, ServerCallContext context) =>
        Task.FromResult(info.Response);
}

/// <summary>
/// The GetServerInfo answer, built on the first call — every service is mapped by then — and shared
/// afterwards: nothing in it changes while the process runs, and hashing every contract per call
/// cost more than the rest of the call (docs/performance.md). It is only ever serialized, never changed.
/// </summary>
public sealed class ServerInfo(ServedServices served, BuildInfoProvider build)
{
    private readonly Lazy<GetServerInfoResponse> _response = new(() => Build(served, build));

    public GetServerInfoResponse Response => _response.Value;

    private static GetServerInfoResponse Build(ServedServices served, BuildInfoProvider build)
    {
        var response = new GetServerInfoResponse
        {
            Version = build.Version,
            Build = new BuildInfo { Commit = build.Commit },
            StartTime = Timestamp.FromDateTime(build.StartTime),
        };
        if (build.BuildTime is { } buildTime)
        {
            response.Build.BuildTime = Timestamp.FromDateTimeOffset(buildTime);
        }

        response.Services.AddRange(served.Services
            .OrderBy(s => s.FullName, StringComparer.Ordinal)
            .Select(s => new ServiceContract
            {
                ServiceName = s.FullName,
                ProtoFile = s.File.Name,
                FileDescriptorSha256 = Convert.ToHexStringLower(SHA256.HashData(s.File.SerializedData.Span)),
            }));
        return response;
    }
}
