using Microsoft.AspNetCore.DataProtection;
using Pilotdeck.Data;
using Pilotdeck.Portal;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Backlog;
using Pilotdeck.Server.Features.Cohorts.Followups;
using Pilotdeck.Server.Features.Cohorts.SubjectExport;
using Pilotdeck.Server.Features.Feedback;
using Pilotdeck.Server.Features.Guardian;
using Pilotdeck.Server.Features.Identity;
using Pilotdeck.Server.Features.Imports;
using Pilotdeck.Server.Features.Jobs;
using Pilotdeck.Server.Features.Notifications;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Features.Receipts;
using Pilotdeck.Server.Features.Retention;
using Pilotdeck.Server.Features.Sessions;
using Pilotdeck.Server.Features.System;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Grpc;
using Pilotdeck.Server.Platform.Grpc.Connect;
using Pilotdeck.Server.Platform.Idempotency;
using Pilotdeck.Server.Platform.Jobs;
using Pilotdeck.Server.Platform.Notifications;
using Pilotdeck.Server.Platform.Paging;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Hosting;

/// <summary>
/// The one place that lists what the host serves. The API and the portal are registered separately
/// so one process can run either or both (see <see cref="EndpointConfiguration"/>).
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddPilotdeckServices(this IServiceCollection services, IConfiguration configuration)
    {
        // Both halves protect data (idempotency records, portal cookies) with the same persisted keys.
        services.AddDataProtection()
            .SetApplicationName("pilotdeck")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(DatabaseOptions.From(configuration).DataDirectory, "keys")));
        if (EndpointConfiguration.HostsApi(configuration))
        {
            services.AddPilotdeckApi(configuration);
        }

        if (EndpointConfiguration.HostsPortal(configuration))
        {
            services.AddPilotdeckPortal(configuration);
        }

        return services;
    }

    private static void AddPilotdeckApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPilotdeckData(configuration);

        services.AddSingleton<AccessPolicyCatalog>();
        services.AddPilotdeckTokenServer(configuration);
        services.AddScoped<CallerAccessor>();
        services.AddScoped<IdempotentCreates>();
        services.AddScoped<Pager>();
        services.AddPilotdeckReceipts(configuration);
        services.AddPolicyFeature();
        services.AddScoped<EvidenceBundles>();
        services.AddScoped<FollowupPlanner>();
        services.AddScoped<ParticipantChanges>();
        services.AddScoped<SubjectExports>();
        services.AddScoped<FeedbackSummaries>();
        services.AddScoped<FeedbackAggregates>();
        services.AddScoped<FixedNotices>();
        services.AddScoped<SentimentAlerts>();
        services.Configure<SentimentAlertOptions>(configuration.GetSection(SentimentAlertOptions.Section));
        services.AddGuardianFeature(configuration);
        services.AddPilotdeckNotifications(configuration);
        services.AddScoped<MemberChanges>();
        services.AddImportsFeature(configuration);
        services.AddSessionsFeature(configuration);
        services.AddRetentionFeature(configuration);

        services.AddPilotdeckGrpc(configuration);
        services.AddPilotdeckJobs(configuration);
        services.AddSingleton(BuildInfoProvider.FromAssembly(typeof(PilotdeckHost).Assembly));
        services.AddSingleton<ServerInfo>();
    }

    public static WebApplication MapPilotdeckServices(this WebApplication app)
    {
        if (EndpointConfiguration.HostsApi(app.Configuration))
        {
            app.UsePilotdeckGrpcWeb();
            app.UsePilotdeckConnect();
            app.MapPilotdeckJsonApi();
            app.MapPilotdeckService<SystemService>(Contracts.System.V1.SystemService.Descriptor);
            app.MapPilotdeckService<IdentityService>(Contracts.Identity.V1.IdentityService.Descriptor);
            app.MapPilotdeckService<GuardianService>(Contracts.Guardian.V1.GuardianService.Descriptor);
            app.MapPilotdeckService<JobsService>(Contracts.Jobs.V1.JobsService.Descriptor);
            app.MapPilotdeckService<ReceiptsService>(Contracts.Receipts.V1.ReceiptsService.Descriptor);
            app.MapPilotdeckService<PolicyService>(Contracts.Policy.V1.PolicyService.Descriptor);
            app.MapPilotdeckService<ApprovalsService>(Contracts.Policy.V1.ApprovalsService.Descriptor);
            app.MapPilotdeckService<CohortsService>(Contracts.Cohorts.V1.CohortsService.Descriptor);
            app.MapPilotdeckService<FollowupsService>(Contracts.Cohorts.V1.FollowupsService.Descriptor);
            app.MapPilotdeckService<FeedbackService>(Contracts.Feedback.V1.FeedbackService.Descriptor);
            app.MapPilotdeckService<BacklogService>(Contracts.Backlog.V1.BacklogService.Descriptor);
            app.MapPilotdeckService<NotificationsService>(Contracts.Notifications.V1.NotificationsService.Descriptor);
            app.MapPilotdeckService<ImportsService>(Contracts.Imports.V1.ImportsService.Descriptor);
            app.MapPilotdeckService<SessionsService>(Contracts.Sessions.V1.SessionsService.Descriptor);
            app.MapPilotdeckService<RetentionService>(Contracts.Retention.V1.RetentionService.Descriptor);
            app.MapPilotdeckProtocolServices();
            TokenGrants.MapTokenGrants(app);
            DeviceVerification.MapDeviceVerification(app);
            app.MapPilotdeckJobs();
            app.MapNotificationDelivery();
        }

        if (EndpointConfiguration.HostsPortal(app.Configuration))
        {
            app.MapPilotdeckPortal();
        }

        return app;
    }
}
