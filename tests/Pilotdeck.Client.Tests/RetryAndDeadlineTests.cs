using System.Diagnostics;
using Pilotdeck.Contracts.Identity.V1;
using Pilotdeck.Contracts.System.V1;
using Grpc.Core;
using Pilotdeck.TestSupport;

namespace Pilotdeck.Client.Tests;

public sealed class RetryAndDeadlineTests
{
    private static readonly GetServerInfoResponse Info = new() { Version = "scripted" };

    private static PilotdeckClient Client(Uri server, Action<PilotdeckClientOptions>? configure = null)
    {
        var options = new PilotdeckClientOptions
        {
            ServerUrl = server,
            // A syntactically plain token: the scripted server checks nothing, and no token request is made.
            Credentials = PilotdeckCredentials.Tokens("test-token", accessTokenExpiresAt: DateTimeOffset.UtcNow.AddHours(1)),
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return PilotdeckClient.Create(options);
    }

    [Fact]
    public async Task Retry_IdempotentCallUnavailableTwice_SucceedsOnTheThirdAttempt()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((attempt, http) =>
            attempt <= 2 ? ScriptedGrpcServer.Unavailable(http) : ScriptedGrpcServer.Respond(http, Info));
        using var client = Client(server.Address);

        var call = client.System.GetServerInfoAsync(new GetServerInfoRequest());
        var info = await call;

        Assert.Equal("scripted", info.Version);
        Assert.Equal(3, server.Attempts);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        // Every attempt carries the token, not only the first.
        Assert.All(server.Requests, headers => Assert.Equal("Bearer test-token", headers.Authorization.ToString()));
    }

    [Fact]
    public async Task Retry_AlwaysUnavailable_GivesUpAfterMaxAttempts()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Unavailable(http));
        using var client = Client(server.Address, o => o.MaxRetryAttempts = 3);

        var call = client.Identity.GetMemberAsync(new GetMemberRequest { UserId = "u1" });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(3, server.Attempts);
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Retry_NonIdempotentCall_IsSentOnce()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Unavailable(http));
        using var client = Client(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Identity.DeleteMemberAsync(new DeleteMemberRequest { UserId = "u1" }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, server.Attempts);
    }

    [Fact]
    public async Task Retry_CreateWithoutRequestId_GetsOneAndKeepsItAcrossAttempts()
    {
        var created = new CreateApiClientResponse { ApiClient = new ApiClient { ClientId = "pdc_1", Name = "no-id" } };
        var requestIds = new List<string>();
        await using var server = await ScriptedGrpcServer.StartAsync(async (attempt, http) =>
        {
            requestIds.Add(CreateApiClientRequest.Parser.ParseFrom(ScriptedGrpcServer.LastMessage(http)).RequestId);
            await (attempt == 1 ? ScriptedGrpcServer.Unavailable(http) : ScriptedGrpcServer.Respond(http, created));
        });
        using var client = Client(server.Address);
        var request = new CreateApiClientRequest { Name = "no-id" };

        await client.Identity.CreateApiClientAsync(request);

        Assert.Equal(2, server.Attempts);
        Assert.True(Guid.TryParse(requestIds[0], out _), requestIds[0]);
        Assert.Equal(requestIds[0], requestIds[1]);
        Assert.Equal("", request.RequestId);
    }

    [Fact]
    public async Task Retry_CreateWithRequestId_IsRetried()
    {
        var created = new CreateApiClientResponse { ApiClient = new ApiClient { ClientId = "pdc_1", Name = "with-id" } };
        await using var server = await ScriptedGrpcServer.StartAsync((attempt, http) =>
            attempt == 1 ? ScriptedGrpcServer.Unavailable(http) : ScriptedGrpcServer.Respond(http, created));
        using var client = Client(server.Address);

        var response = await client.Identity.CreateApiClientAsync(new CreateApiClientRequest { Name = "with-id", RequestId = Guid.NewGuid().ToString() });

        Assert.Equal("pdc_1", response.ApiClient.ClientId);
        Assert.Equal(2, server.Attempts);
    }

    [Fact]
    public async Task Retry_StreamingCall_IsNeverRetried()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Unavailable(http));
        using var client = Client(server.Address);
        var guardian = client.CreateClient<Pilotdeck.Contracts.Guardian.V1.GuardianService.GuardianServiceClient>();

        using var call = guardian.AnalyzeProject();
        await call.RequestStream.CompleteAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, server.Attempts);
        Assert.Equal("Bearer test-token", server.Requests[0].Authorization.ToString());
    }

    [Fact]
    public async Task Streaming_TokenRequestFails_ReaderThrowsTheRpcException()
    {
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = new Uri($"http://127.0.0.1:{PilotdeckTestHost.FreePort()}"),
            Credentials = PilotdeckCredentials.Password("nobody@demo.test", "irrelevant"),
        });
        var guardian = client.CreateClient<Pilotdeck.Contracts.Guardian.V1.GuardianService.GuardianServiceClient>();

        using var call = guardian.AnalyzeProject();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Retry_NextBackoffPastTheDeadline_EndsAtTheDeadline()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Unavailable(http));
        using var client = Client(server.Address, o =>
        {
            o.InitialBackoff = TimeSpan.FromMinutes(10);
            o.MaxBackoff = TimeSpan.FromMinutes(10);
        });
        var stopwatch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.System.GetServerInfoAsync(new GetServerInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(2)));

        // The deadline wins over the backoff, as in every gRPC stack: the call does not wait minutes.
        // A backoff is drawn at random below its ceiling (gRPC's retry design), so a second attempt
        // inside the 2 s deadline is rare but allowed.
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(server.Attempts, 1, 2);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(1), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Deadline_CallWithoutOne_GetsTheDefault()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Hang(http));
        // Long enough for a cold first connection on a busy machine to reach the server before it ends.
        using var client = Client(server.Address, o => o.DefaultDeadline = TimeSpan.FromSeconds(3));
        var stopwatch = Stopwatch.StartNew();

        // Not idempotent, so a single attempt: the deadline alone ends it.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.Identity.DeleteMemberAsync(new DeleteMemberRequest { UserId = "u1" }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"took {stopwatch.Elapsed}");
        var request = Assert.Single(server.Requests);
        Assert.InRange(GrpcTimeout(request), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Deadline_CallWithItsOwn_KeepsIt()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) => ScriptedGrpcServer.Respond(http, Info));
        using var client = Client(server.Address, o => o.DefaultDeadline = TimeSpan.FromMilliseconds(700));

        await client.System.GetServerInfoAsync(new GetServerInfoRequest(), deadline: DateTime.UtcNow.AddMinutes(5));

        Assert.InRange(GrpcTimeout(server.Requests[0]), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Retry_ServerStartsAfterTheFirstAttempt_CallSucceeds()
    {
        var port = PilotdeckTestHost.FreePort();
        // Password credentials, so the token request meets the absent server first and is retried too.
        using var client = PilotdeckClient.Create(new PilotdeckClientOptions
        {
            ServerUrl = new Uri($"http://127.0.0.1:{port}"),
            Credentials = PilotdeckCredentials.Password(PilotdeckTestHost.OwnerEmail, PilotdeckTestHost.OwnerPassword),
            // Enough attempts to outlast a slow host start on a loaded machine (backoffs average ~0.5 s).
            MaxRetryAttempts = 200,
            InitialBackoff = TimeSpan.FromMilliseconds(200),
            MaxBackoff = TimeSpan.FromSeconds(1),
            DefaultDeadline = TimeSpan.FromSeconds(90),
        });

        var call = client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        // Nothing listens yet: the first attempt is refused.
        await Task.Delay(300);
        Assert.False(call.ResponseAsync.IsCompleted);
        await using var host = await PilotdeckTestHost.StartAsync(port: port);
        var caller = await call;

        Assert.Equal(PilotdeckTestHost.OwnerEmail, caller.Email);
    }

    /// <summary>Decodes the grpc-timeout header the client sent (value plus unit H, M, S, m, u or n).</summary>
    private static TimeSpan GrpcTimeout(Microsoft.AspNetCore.Http.IHeaderDictionary headers)
    {
        var text = headers["grpc-timeout"].ToString();
        var value = long.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture);
        return text[^1] switch
        {
            'H' => TimeSpan.FromHours(value),
            'M' => TimeSpan.FromMinutes(value),
            'S' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMilliseconds(value),
            'u' => TimeSpan.FromMicroseconds(value),
            _ => TimeSpan.FromTicks(value / 100),
        };
    }

    [Fact]
    public void IdempotencyCatalog_ListsDeclaredIdempotentAndRequestIdMethods()
    {
        var retryable = IdempotencyCatalog.RetryableMethods(typeof(GetMemberRequest).Assembly).Select(m => m.Service + "/" + m.Method).ToHashSet();

        Assert.Contains(IdentityService.Descriptor.FullName + "/GetMember", retryable);
        Assert.Contains(IdentityService.Descriptor.FullName + "/ListApiClients", retryable);
        Assert.Contains(SystemService.Descriptor.FullName + "/GetServerInfo", retryable);
        Assert.Contains(IdentityService.Descriptor.FullName + "/CreateMember", retryable);
        Assert.DoesNotContain(IdentityService.Descriptor.FullName + "/DeleteMember", retryable);
        Assert.DoesNotContain(Pilotdeck.Contracts.Guardian.V1.GuardianService.Descriptor.FullName + "/AnalyzeProject", retryable);
    }
    [Fact]
    public async Task SendLimit_MessageOverTheServersLimit_FailsInTheClient_AndOneAtTheLimitIsSent()
    {
        var received = new System.Collections.Concurrent.ConcurrentQueue<int>();
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) =>
        {
            received.Enqueue(ScriptedGrpcServer.LastMessage(http).Length);
            return ScriptedGrpcServer.Respond(http, new GetMemberResponse { Member = new Member { UserId = "u1" } });
        });
        using var client = Client(server.Address);
        // Field tag and length take 5 bytes of the message.
        var atTheLimit = new string('u', 4 * 1024 * 1024 - 5);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.Identity.GetMemberAsync(new GetMemberRequest { UserId = atTheLimit + "u" }));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);

        var answer = await client.Identity.GetMemberAsync(new GetMemberRequest { UserId = atTheLimit });
        Assert.Equal("u1", answer.Member.UserId);
        // The refused call may have opened a stream, but its message never left the client.
        Assert.Equal([4 * 1024 * 1024], received);
    }

    [Fact]
    public async Task SendLimit_Null_LeavesTheLimitToTheServer()
    {
        await using var server = await ScriptedGrpcServer.StartAsync((_, http) =>
            ScriptedGrpcServer.Respond(http, new GetMemberResponse { Member = new Member { UserId = "u1" } }));
        using var client = Client(server.Address, o => o.MaxSendMessageBytes = null);

        await client.Identity.GetMemberAsync(new GetMemberRequest { UserId = new string('u', 5 * 1024 * 1024) });

        Assert.Equal(1, server.Attempts);
        Assert.Throws<ArgumentOutOfRangeException>(() => Client(server.Address, o => o.MaxSendMessageBytes = 0));
    }
}
