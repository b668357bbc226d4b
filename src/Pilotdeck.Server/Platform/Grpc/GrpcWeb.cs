namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// gRPC-Web for browsers and <c>buf curl --protocol grpcweb</c>, with CORS for the origins listed in
/// <c>Pilotdeck:Cors:AllowedOrigins</c> (none by default: same-origin and non-browser callers only),
/// which browser clients of the Connect protocol (ADR 0033) use as well.
/// </summary>
public static class GrpcWeb
{
    private const string PolicyName = "pilotdeck-grpc-web";

    public static IServiceCollection AddPilotdeckGrpcWeb(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Pilotdeck:Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(cors => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(origins)
            .AllowAnyMethod()
            .WithHeaders("authorization", "content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "connect-protocol-version", "connect-timeout-ms")
            .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin")));
        return services;
    }

    public static void UsePilotdeckGrpcWeb(this WebApplication app)
    {
        app.UseGrpcWeb();
        app.UseCors();
    }

    public static TBuilder WithPilotdeckCors<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireCors(PolicyName);
}
