using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Server.Platform.Errors;

/// <summary>
/// Two requests that change one record at once: the data layer lets the first commit and refuses
/// the second (a concurrency token no longer matches, or both inserted the same unique key, as two
/// PromoteBlockers runs of one cohort can on PostgreSQL). That is the caller's race, not a server
/// fault, so it answers ABORTED with reason CONCURRENT_UPDATE — AIP-194's "retry the whole
/// read-modify-write" — instead of an opaque UNKNOWN. A retry then sees the winner's row.
/// </summary>
public sealed class ConcurrencyConflictInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || UniqueViolations.Caused(ex))
        {
            throw Conflict();
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || UniqueViolations.Caused(ex))
        {
            throw Conflict();
        }
    }

    private static RpcException Conflict() => ApiErrors.Create(StatusCode.Aborted, ErrorReason.ConcurrentUpdate,
        "Another request changed the same record at the same moment and was kept; nothing of this one was. Read it again and retry.");
}
