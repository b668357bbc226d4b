using System.Net;
using System.Reflection;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Contracts.Jobs.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Contracts.Policy.V1;
using Pilotdeck.Contracts.Receipts.V1;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Contracts.System.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Pilotdeck.Client;

/// <summary>
/// The entry point of the SDK: one HTTP/2 connection pool to a Pilotdeck server and typed clients
/// over it. Every call gets an access token (obtained lazily, cached and renewed ahead of expiry),
/// the default deadline when it sets none, and retries on UNAVAILABLE when it is idempotent.
/// Thread-safe; create one per server and credentials, reuse it, dispose it at shutdown.
/// </summary>
public sealed class PilotdeckClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly HttpMessageHandler? _ownedHandler;
    private readonly HttpMessageInvoker _tokenHttp;
    private readonly TokenManager? _tokens;

    private PilotdeckClient(PilotdeckClientOptions options)
    {
        _ownedHandler = options.HttpHandler is null ? CreateHandler() : null;
        var handler = options.HttpHandler ?? _ownedHandler!;
        _tokenHttp = new HttpMessageInvoker(handler, disposeHandler: false);

        if (options.Credentials is { } credentials)
        {
            _tokens = new TokenManager(credentials, new TokenEndpoint(_tokenHttp, options.ServerUrl));
            _tokens.Obtained += tokens => TokensRefreshed?.Invoke(tokens);
        }

        var channelOptions = new GrpcChannelOptions
        {
            // An HttpClient rather than the handler: given a SocketsHttpHandler, the channel would take
            // over its connection callback for client-side load balancing, and the token requests that
            // share the handler (and its HTTP/2 connections) would fail.
            HttpClient = new HttpClient(handler, disposeHandler: false),
            DisposeHttpClient = true,
        };
        PilotdeckChannel.Configure(channelOptions, options, _tokens);
        _channel = GrpcChannel.ForAddress(options.ServerUrl, channelOptions);
        CallInvoker = _channel.Intercept([.. PilotdeckChannel.Interceptors(options, _tokens)]);
        Identity = new IdentityService.IdentityServiceClient(CallInvoker);
        System = new SystemService.SystemServiceClient(CallInvoker);
        Guardian = new GuardianService.GuardianServiceClient(CallInvoker);
        Jobs = new JobsService.JobsServiceClient(CallInvoker);
        Receipts = new ReceiptsService.ReceiptsServiceClient(CallInvoker);
        Policy = new PolicyService.PolicyServiceClient(CallInvoker);
        Approvals = new ApprovalsService.ApprovalsServiceClient(CallInvoker);
        Cohorts = new CohortsService.CohortsServiceClient(CallInvoker);
        Followups = new FollowupsService.FollowupsServiceClient(CallInvoker);
        Feedback = new FeedbackService.FeedbackServiceClient(CallInvoker);
        Backlog = new BacklogService.BacklogServiceClient(CallInvoker);
        Notifications = new NotificationsService.NotificationsServiceClient(CallInvoker);
        Imports = new ImportsService.ImportsServiceClient(CallInvoker);
        Sessions = new SessionsService.SessionsServiceClient(CallInvoker);
        Retention = new RetentionService.RetentionServiceClient(CallInvoker);
    }

    /// <summary>Creates a client; nothing is sent until the first call or <see cref="GetTokensAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid (e.g. a server URL that is not http:// or https://).</exception>
    public static PilotdeckClient Create(PilotdeckClientOptions options)
    {
        PilotdeckChannel.Validate(options);
        return new PilotdeckClient(options);
    }

    /// <summary>
    /// The invoker behind every client: interceptors for the default deadline (outermost), request
    /// ids for creates and the renewal of a token the server found expired (innermost), over a
    /// <see cref="GrpcChannel"/> whose service config retries idempotent calls and whose call
    /// credentials add the access token to every attempt.
    /// </summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>pilotdeck.identity.v1: the caller, tenant members and API clients.</summary>
    public IdentityService.IdentityServiceClient Identity { get; }

    /// <summary>pilotdeck.system.v1: the server's version, build and contract digests.</summary>
    public SystemService.SystemServiceClient System { get; }

    /// <summary>pilotdeck.guardian.v1: dbt Guardian analyses (upload with <see cref="PilotdeckUploads.AnalyzeProjectAsync"/>), their gaps and generated schema.yml.</summary>
    public GuardianService.GuardianServiceClient Guardian { get; }

    /// <summary>pilotdeck.jobs.v1: the tenant's background job runs (list, retry, delete).</summary>
    public JobsService.JobsServiceClient Jobs { get; }

    /// <summary>pilotdeck.receipts.v1: the tenant's receipts, signed checkpoints and proofs.</summary>
    public ReceiptsService.ReceiptsServiceClient Receipts { get; }

    /// <summary>pilotdeck.policy.v1: the tenant's policy bundle, its versions and decisions.</summary>
    public PolicyService.PolicyServiceClient Policy { get; }

    /// <summary>pilotdeck.policy.v1: approval requests for governed actions, and deciding them.</summary>
    public ApprovalsService.ApprovalsServiceClient Approvals { get; }

    /// <summary>pilotdeck.cohorts.v1: cohorts and their participants (roster, statuses, notes, export).</summary>
    public CohortsService.CohortsServiceClient Cohorts { get; }

    /// <summary>pilotdeck.cohorts.v1: who has not replied, when to nudge them and with what words.</summary>
    public FollowupsService.FollowupsServiceClient Followups { get; }

    /// <summary>pilotdeck.feedback.v1: participants' feedback and the per-cohort summary.</summary>
    public FeedbackService.FeedbackServiceClient Feedback { get; }

    /// <summary>pilotdeck.backlog.v1: a cohort's iteration backlog, release changelogs and "fixed" notices.</summary>
    public BacklogService.BacklogServiceClient Backlog { get; }

    /// <summary>pilotdeck.notifications.v1: the tenant's notification outbox and its webhook and SMTP channels.</summary>
    public NotificationsService.NotificationsServiceClient Notifications { get; }

    /// <summary>pilotdeck.imports.v1: CSV imports (upload, dry-run plan, commit, error manifests).</summary>
    public ImportsService.ImportsServiceClient Imports { get; }

    /// <summary>pilotdeck.sessions.v1: UAT sessions with participants, and their attachments (client-streamed up, server-streamed down).</summary>
    public SessionsService.SessionsServiceClient Sessions { get; }

    /// <summary>pilotdeck.retention.v1: retention windows per data class, retention runs (and dry runs), erasure of a participant.</summary>
    public RetentionService.RetentionServiceClient Retention { get; }

    /// <summary>
    /// Raised whenever the client obtains new tokens from the token endpoint: the first grant and
    /// every renewal. Refresh tokens are single-use, so an app that stores tokens (the portal's auth
    /// cookie, the CLI's profile) must persist each new set. Runs on the thread of the call that
    /// triggered the renewal; keep it short and do not throw from it.
    /// </summary>
    public event Action<TokenSet>? TokensRefreshed;

    /// <summary>Creates any generated client (a <see cref="ClientBase"/> with a <see cref="Grpc.Core.CallInvoker"/> constructor) over <see cref="CallInvoker"/>.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="TClient"/> has no public constructor taking a CallInvoker.</exception>
    public TClient CreateClient<TClient>()
        where TClient : ClientBase
    {
        var constructor = typeof(TClient).GetConstructor(BindingFlags.Public | BindingFlags.Instance, [typeof(CallInvoker)])
            ?? throw new ArgumentException($"{typeof(TClient)} has no public constructor taking a {nameof(Grpc.Core.CallInvoker)}.", nameof(TClient));
        return (TClient)constructor.Invoke([CallInvoker]);
    }

    /// <summary>
    /// The current tokens: obtained on first use, and renewed first when they expire within 60 s (or
    /// within half their lifetime, if that is shorter): with the refresh token when there is one,
    /// else by running the client-credentials or password grant again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The client was created without credentials, or has signed out.</exception>
    /// <exception cref="PilotdeckAuthException">The token endpoint refused the credentials or refresh token.</exception>
    /// <exception cref="HttpRequestException">The token endpoint could not be reached.</exception>
    public Task<TokenSet> GetTokensAsync(CancellationToken cancellationToken = default) =>
        _tokens?.GetAsync(cancellationToken) ?? throw new InvalidOperationException("This client was created without credentials.");

    /// <summary>
    /// Signs out: revokes the refresh token this client holds at the server's revocation endpoint
    /// (<c>POST /oauth2/revoke</c>), so neither it nor any token refreshed from it works again, and
    /// forgets the tokens. Calls made afterwards throw <see cref="InvalidOperationException"/>. The
    /// access token already issued stays valid until it expires (10 minutes by default). A client
    /// with client credentials holds no refresh token: it only forgets its tokens (revoke the API
    /// client itself to stop its secret working).
    /// </summary>
    /// <exception cref="InvalidOperationException">The client was created without credentials.</exception>
    /// <exception cref="PilotdeckAuthException">The revocation endpoint refused the request.</exception>
    /// <exception cref="HttpRequestException">The revocation endpoint could not be reached; the tokens are forgotten anyway.</exception>
    public Task SignOutAsync(CancellationToken cancellationToken = default) =>
        _tokens?.SignOutAsync(cancellationToken) ?? throw new InvalidOperationException("This client was created without credentials.");

    /// <summary>Closes the connections. A handler passed in <see cref="PilotdeckClientOptions.HttpHandler"/> stays open.</summary>
    public void Dispose()
    {
        _channel.Dispose();
        _tokenHttp.Dispose();
        _ownedHandler?.Dispose();
    }

    // The same settings GrpcChannel uses for its own handler; one handler serves gRPC and token requests.
    private static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    };
}
