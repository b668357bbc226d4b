namespace Pilotdeck.Server.Features.Retention;

/// <summary>Registers retention and erasure (docs/data-governance.md); the job is scheduled by the jobs registration.</summary>
public static class RetentionFeature
{
    public static IServiceCollection AddRetentionFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RetentionOptions>(configuration.GetSection(RetentionOptions.Section));
        services.AddScoped<RetentionWindows>();
        services.AddScoped<PersonalDataEraser>();
        services.AddScoped<BlobDeletions>();
        services.AddScoped<RetentionRuns>();
        return services;
    }
}
