using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Contracts.System.V1;

namespace Pilotdeck.Client;

/// <summary>
/// Registers Pilotdeck's generated clients with <c>Grpc.Net.ClientFactory</c>, so an app injects
/// <c>IdentityService.IdentityServiceClient</c> and friends with the same tokens, default deadline
/// and retries as <see cref="PilotdeckClient"/>, on HttpClientFactory's handler pooling.
/// </summary>
public static class PilotdeckServiceCollectionExtensions
{
    /// <summary>
    /// Adds every Pilotdeck service's client (the ones <see cref="PilotdeckClient"/> has) configured by <paramref name="configure"/>;
    /// every default is stated on <see cref="PilotdeckClientOptions"/>. One access token is shared by all
    /// of them (a singleton), obtained on first use and renewed ahead of expiry.
    /// <see cref="PilotdeckClientOptions.HttpHandler"/> is ignored here: HttpClientFactory owns the handlers
    /// (customise them with the returned builders of <see cref="AddPilotdeckGrpcClient{TClient}"/>).
    /// </summary>
    public static IServiceCollection AddPilotdeckClient(this IServiceCollection services, Action<PilotdeckClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PilotdeckClientOptions>().Configure(configure);
        services.AddPilotdeckGrpcClient<IdentityService.IdentityServiceClient>();
        services.AddPilotdeckGrpcClient<SystemService.SystemServiceClient>();
        services.AddPilotdeckGrpcClient<GuardianService.GuardianServiceClient>();
        services.AddPilotdeckGrpcClient<JobsService.JobsServiceClient>();
        services.AddPilotdeckGrpcClient<ReceiptsService.ReceiptsServiceClient>();
        services.AddPilotdeckGrpcClient<PolicyService.PolicyServiceClient>();
        services.AddPilotdeckGrpcClient<ApprovalsService.ApprovalsServiceClient>();
        services.AddPilotdeckGrpcClient<CohortsService.CohortsServiceClient>();
        services.AddPilotdeckGrpcClient<FollowupsService.FollowupsServiceClient>();
        services.AddPilotdeckGrpcClient<FeedbackService.FeedbackServiceClient>();
        services.AddPilotdeckGrpcClient<BacklogService.BacklogServiceClient>();
        services.AddPilotdeckGrpcClient<NotificationsService.NotificationsServiceClient>();
        services.AddPilotdeckGrpcClient<ImportsService.ImportsServiceClient>();
        services.AddPilotdeckGrpcClient<SessionsService.SessionsServiceClient>();
        services.AddPilotdeckGrpcClient<RetentionService.RetentionServiceClient>();
        return services;
    }

    /// <summary>Adds one more generated client over the Pilotdeck channel set up by <see cref="AddPilotdeckClient"/>.</summary>
    public static IHttpClientBuilder AddPilotdeckGrpcClient<TClient>(this IServiceCollection services)
        where TClient : ClientBase
    {
        services.TryAddSingleton<SharedTokens>();
        return services
            .AddGrpcClient<TClient>((provider, factory) =>
            {
                var options = provider.GetRequiredService<IOptions<PilotdeckClientOptions>>().Value;
                PilotdeckChannel.Validate(options);
                factory.Address = options.ServerUrl;
                foreach (var interceptor in PilotdeckChannel.Interceptors(options, provider.GetRequiredService<SharedTokens>().Manager))
                {
                    factory.InterceptorRegistrations.Add(new InterceptorRegistration(InterceptorScope.Channel, _ => interceptor));
                }
            })
            .ConfigureChannel((provider, channel) => PilotdeckChannel.Configure(
                channel,
                provider.GetRequiredService<IOptions<PilotdeckClientOptions>>().Value,
                provider.GetRequiredService<SharedTokens>().Manager));
    }

    /// <summary>The one token manager of a container, with a connection of its own to the token endpoint.</summary>
    private sealed class SharedTokens : IDisposable
    {
        private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler(), disposeHandler: true);

        public SharedTokens(IOptions<PilotdeckClientOptions> options) =>
            Manager = options.Value.Credentials is { } credentials ? new TokenManager(credentials, new TokenEndpoint(_http, options.Value.ServerUrl)) : null;

        public TokenManager? Manager { get; }

        public void Dispose() => _http.Dispose();
    }
}
