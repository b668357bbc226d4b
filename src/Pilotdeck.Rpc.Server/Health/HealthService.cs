using Pilotdeck.Rpc.Server.Health.V1;
using ServingStatus = Pilotdeck.Rpc.Server.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Pilotdeck.Rpc.Server.Health;

/// <summary>grpc.health.v1.Health, answered from the <see cref="HealthStatusStore"/>.</summary>
public sealed class HealthService : V1.Health.HealthBase
{
    private readonly HealthStatusStore _store;

    public HealthService(HealthStatusStore store)
    {
        _store = store;
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = _store.GetStatus(request.Service)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        // The protocol keeps a Watch open for an unknown service (reporting SERVICE_UNKNOWN) so the
        // client learns when it appears. The call ends only when the client leaves or the deadline
        // passes; that cancellation propagates so the runtime reports CANCELLED or DEADLINE_EXCEEDED.
        using var subscription = _store.Watch(request.Service);
        ServingStatus? sent = null;
        while (await subscription.Statuses.WaitToReadAsync(context.CancellationToken).ConfigureAwait(false))
        {
            while (subscription.Statuses.TryRead(out var status))
            {
                // Dropping stale states can leave the same status queued as the one last sent.
                if (status != sent)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                    sent = status;
                }
            }
        }
    }
}
