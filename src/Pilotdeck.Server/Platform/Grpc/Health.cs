using Grpc.AspNetCore.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pilotdeck.Data;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// grpc.health.v1 answers from ASP.NET Core health checks tagged <c>ready</c>: the database is
/// reachable and its schema is current. The overall status ("") and every served service share
/// them, since every service needs the database. Check runs them on demand; Watch streams the
/// results the health publisher produces every <c>Pilotdeck:Health:Period</c> (default 10 s).
/// </summary>
public static class Health
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddPilotdeckHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGrpcHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: [ReadyTag]);
        services.AddOptions<GrpcHealthChecksOptions>().Configure<ServedServices>((options, served) =>
        {
            options.Services.Clear();
            options.Services.Map("", IsReadiness);
            foreach (var service in served.Services)
            {
                options.Services.Map(service.FullName, IsReadiness);
            }
        });
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = configuration.GetValue("Pilotdeck:Health:Period", TimeSpan.FromSeconds(10));
        });
        return services;
    }

    private static bool IsReadiness(HealthCheckMapContext check) => check.Tags.Contains(ReadyTag);
}

/// <summary>The database answers and has every migration this build knows applied.</summary>
internal sealed class DatabaseReadiness(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending)}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", ex);
        }
    }
}
