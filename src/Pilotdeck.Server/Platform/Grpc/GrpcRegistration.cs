using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// grpc-dotnet wiring shared by every feature: the access-policy interceptor, message limits,
/// reflection (v1 and v1alpha), health fed by real readiness checks, and gRPC-Web.
/// </summary>
public static class GrpcRegistration
{
    public const string Section = "Pilotdeck:Grpc";

    public static IServiceCollection AddPilotdeckGrpc(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<GrpcSettings>() ?? new GrpcSettings();
        services.AddSingleton<ServedServices>();
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<AccessPolicyInterceptor>();
            grpc.Interceptors.Add<ConcurrencyConflictInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            grpc.ResponseCompressionAlgorithm = options.ResponseCompression;
            grpc.EnableDetailedErrors = options.DetailedErrors;
        }).AddJsonTranscoding(json => json.TypeRegistry = ApiErrors.DetailTypes);
        services.AddGrpcReflection();
        services.AddPilotdeckJsonApi();
        services.AddPilotdeckHealth(configuration);
        services.AddPilotdeckGrpcWeb(configuration);
        return services;
    }

    /// <summary>Maps a Pilotdeck service and records its contract, so GetServerInfo and the access policies know it.</summary>
    public static GrpcServiceEndpointConventionBuilder MapPilotdeckService<TService>(this WebApplication app, ServiceDescriptor descriptor)
        where TService : class
    {
        app.Services.GetRequiredService<ServedServices>().Add(descriptor);
        return app.MapGrpcService<TService>().EnableGrpcWeb().WithPilotdeckCors();
    }

    /// <summary>Reflection and health: anonymous, because load balancers, grpcurl and buf call them bare.</summary>
    public static void MapPilotdeckProtocolServices(this WebApplication app)
    {
        var served = app.Services.GetRequiredService<ServedServices>();
        served.Add(global::Grpc.Health.V1.Health.Descriptor);
        served.Add(global::Grpc.Reflection.V1.ServerReflection.Descriptor);
        served.Add(global::Grpc.Reflection.V1Alpha.ServerReflection.Descriptor);
        app.MapGrpcHealthChecksService().EnableGrpcWeb().WithPilotdeckCors();
        app.MapGrpcReflectionService().EnableGrpcWeb().WithPilotdeckCors();
    }
}

/// <summary>Transport settings under <c>Pilotdeck:Grpc</c>.</summary>
public sealed class GrpcSettings
{
    /// <summary>Largest request message accepted, after decompression. Default 4 MiB; larger is RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Compress responses with this algorithm ("gzip") when the client accepts it. Default: none.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Put exception messages into grpc-message for unexpected errors. Default false.</summary>
    public bool DetailedErrors { get; set; }
}
