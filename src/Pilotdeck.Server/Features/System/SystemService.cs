using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.System.V1;
using Grpc.Core;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Features.System;

/// <summary>Reports what this server is: version, build and the digest of every contract it serves.</summary>
public sealed class SystemService : Contracts.System.V1.SystemService.SystemServiceBase
{
    private readonly ServedServices _registry;
    private readonly BuildInfoProvider _build;

    public SystemService(ServedServices registry, BuildInfoProvider build)
    {
        _registry = registry;
        _build = build;
    }

    public override Task<GetServerInfoResponse> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var response = new GetServerInfoResponse
        {
            Version = _build.Version,
            Build = new BuildInfo { Commit = _build.Commit },
            StartTime = Timestamp.FromDateTime(_build.StartTime),
        };
        if (_build.BuildTime is { } buildTime)
        {
            response.Build.BuildTime = Timestamp.FromDateTimeOffset(buildTime);
        }

        response.Services.AddRange(_registry.Services
            .OrderBy(s => s.FullName, StringComparer.Ordinal)
            .Select(s => new ServiceContract
            {
                ServiceName = s.FullName,
                ProtoFile = s.File.Name,
                FileDescriptorSha256 = Convert.ToHexStringLower(SHA256.HashData(s.File.SerializedData.Span)),
            }));
        return Task.FromResult(response);
    }
}
