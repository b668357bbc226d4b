using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Options;
using Pilotdeck.Server.Features.Cohorts.Followups;
using Pilotdeck.Server.Features.Feedback;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Features.Retention;
using Pilotdeck.Server.Hosting;
using Pilotdeck.Server.Platform.Grpc;

using Pilotdeck.Server.Platform.Auth;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Background jobs on Hangfire (docs/adr/0010-background-jobs-on-hangfire.md). Only a host that
/// serves the API runs jobs: they need the database. Every Hangfire service is registered per host
/// (storage, activator, clients), never through Hangfire's static globals, so several hosts in one
/// process (tests) keep their own storage.
/// </summary>
public static class JobsRegistration
{
    public static IServiceCollection AddPilotdeckJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var options = JobsOptions.From(configuration);
        services.Configure<JobsOptions>(configuration.GetSection(JobsOptions.Section));
        var identity = JobServerIdentity.ForThisProcess();
        services.AddSingleton(identity);

        // Registered before AddHangfire, whose TryAdd then keeps these instead of JobStorage.Current.
        services.AddSingleton(_ => JobStorageFactory.Create(configuration, options));
        services.AddSingleton<JobActivator, TenantJobActivator>();
        // This host's filters on top of Hangfire's global ones (AddHangfire keeps a provider already
        // registered): the recorder of tenants' job runs, per host, never in the static globals.
        services.AddSingleton<JobRunRecorder>();
        services.AddSingleton<IJobFilterProvider>(sp =>
            new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { sp.GetRequiredService<JobRunRecorder>() }));
        services.AddScoped(TenantJobs.CreateClient);
        services.AddHangfire(hangfire => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        // Hangfire runs every IBackgroundProcess in the container as part of this host's server.
        services.AddSingleton<JobServerPulse>();
        services.AddSingleton<Hangfire.Server.IBackgroundProcess>(sp => sp.GetRequiredService<JobServerPulse>());
        services.AddHangfireServer((_, server) =>
        {
            server.ServerName = identity.Name;
            server.WorkerCount = Math.Max(1, options.Workers);
            server.SchedulePollingInterval = options.PollInterval;
            // Stop promptly on shutdown; a job interrupted then is fetched again by a server later.
            server.ShutdownTimeout = TimeSpan.FromSeconds(5);
        });

        services.AddScoped<TenantFanOut>();
        services.AddScoped<Housekeeping>();
        services.AddScoped<GuardianRetention>();
        services.AddScoped<FollowupNudges>();
        services.AddScoped<FeedbackReports>();
        // Ready while this host's job server runs; degraded (still SERVING) while it starts.
        services.AddHealthChecks().AddCheck<JobsReadiness>("jobs", tags: [Health.ReadyTag]);
        return services;
    }

    /// <summary>
    /// Registers the recurring jobs (idempotent: every host does it at start, storage keeps one of each)
    /// and, where the host serves the portal, the operators' dashboard.
    /// </summary>
    public const string RotateKeysJobId = "rotate-token-signing-keys";

    public static WebApplication MapPilotdeckJobs(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var cron = options.HousekeepingCron;
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<Housekeeping>(Housekeeping.PruneTokensJobId, j => j.PruneTokensAsync(CancellationToken.None), cron);
        recurring.AddOrUpdate<ServerKeys>(RotateKeysJobId, k => k.RotateAsync(CancellationToken.None), cron);
        recurring.AddOrUpdate<Housekeeping>(Housekeeping.PurgeIdempotencyRecordsJobId, j => j.PurgeExpiredIdempotencyRecordsEverywhereAsync(CancellationToken.None), cron);
        recurring.AddOrUpdate<Housekeeping>(Housekeeping.PurgeJobHistoryJobId, j => j.PurgeJobHistoryEverywhereAsync(CancellationToken.None), cron);
        recurring.AddOrUpdate<GuardianRetention>(GuardianRetention.JobId, j => j.RunEverywhereAsync(CancellationToken.None), cron);
        recurring.AddOrUpdate<FollowupNudges>(FollowupNudges.JobId, j => j.RunEverywhereAsync(CancellationToken.None), options.FollowupNudgesCron);
        recurring.AddOrUpdate<FeedbackReports>(FeedbackReports.JobId, j => j.RunEverywhereAsync(CancellationToken.None), options.FeedbackReportCron);
        recurring.AddOrUpdate<RetentionRuns>(RetentionRuns.JobId, j => j.RunEverywhereAsync(CancellationToken.None),
            app.Services.GetRequiredService<IOptions<RetentionOptions>>().Value.Cron);

        // The dashboard needs the portal's sign-in; a host without the portal has no dashboard.
        if (EndpointConfiguration.HostsPortal(app.Configuration))
        {
            app.MapOperatorDashboard();
        }

        return app;
    }
}
