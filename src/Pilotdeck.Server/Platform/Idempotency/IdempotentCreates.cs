using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Idempotency;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Platform.Idempotency;

/// <summary>
/// AIP-155 request ids for create RPCs. The create and the record of its response commit in one
/// transaction, so a retry — even one racing the first attempt — returns the first result and
/// creates nothing twice. Responses are stored encrypted because some (API client creation) carry
/// a secret that must still be returned on retry.
/// </summary>
public sealed class IdempotentCreates
{
    private readonly PilotdeckDbContext _db;
    private readonly IDataProtectionProvider _protection;
    private readonly TimeProvider _time;
    private IDataProtector? _protector;

    public IdempotentCreates(PilotdeckDbContext db, IDataProtectionProvider protection, TimeProvider time)
    {
        _db = db;
        _protection = protection;
        _time = time;
    }

    // Created on first use: every call to a service with create methods constructs this class,
    // most never create anything.
    private IDataProtector Protector => _protector ??= _protection.CreateProtector("Pilotdeck.Idempotency.v1");

    public Task<TResponse> RunAsync<TResponse>(string method, string requestId, IMessage request, MessageParser<TResponse> parser, Func<Task<TResponse>> create, CancellationToken cancellationToken, Func<Task>? authorize = null)
        where TResponse : IMessage<TResponse> =>
        RunAsync(method, requestId, SHA256.HashData(request.ToByteArray()), parser, create, cancellationToken, authorize);

    /// <summary>
    /// For requests that are not one message (client streams): the caller hashes everything that
    /// makes the request what it is, so a retry with other content is refused as REQUEST_ID_REUSED.
    /// </summary>
    public async Task<TResponse> RunAsync<TResponse>(string method, string requestId, byte[] requestHash, MessageParser<TResponse> parser, Func<Task<TResponse>> create, CancellationToken cancellationToken, Func<Task>? authorize = null)
        where TResponse : IMessage<TResponse>
    {
        if (string.IsNullOrEmpty(requestId))
        {
            await (authorize?.Invoke() ?? Task.CompletedTask);
            return await create();
        }

        if (requestId.Length > 100)
        {
            throw ApiErrors.InvalidArgument(new FieldViolation("request_id", "must be at most 100 characters"));
        }

        if (await FindAsync(method, requestId, requestHash, parser, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        // A replay answers as the first call did; only a new create passes the policy, before its transaction.
        await (authorize?.Invoke() ?? Task.CompletedTask);
        await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
        var response = await create();
        _db.IdempotencyRecords.Add(new IdempotencyRecord
        {
            Method = method,
            RequestId = requestId,
            RequestHash = requestHash,
            Response = Protector.Protect(response.ToByteArray()),
            CreatedAt = _time.GetUtcNow(),
        });
        try
        {
            await _db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return response;
        }
        catch (DbUpdateException)
        {
            // A concurrent retry committed first: undo ours and answer with theirs.
            await transaction.RollbackAsync(cancellationToken);
            _db.ChangeTracker.Clear();
            return await FindAsync(method, requestId, requestHash, parser, cancellationToken)
                ?? throw new InvalidOperationException("Idempotency record vanished after a conflict.");
        }
    }

    private async Task<TResponse?> FindAsync<TResponse>(string method, string requestId, byte[] requestHash, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var record = await _db.IdempotencyRecords.AsNoTracking()
            .SingleOrDefaultAsync(r => r.Method == method && r.RequestId == requestId, cancellationToken);
        if (record is null)
        {
            return default;
        }

        if (!record.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            throw ApiErrors.Create(StatusCode.InvalidArgument, ErrorReason.RequestIdReused,
                "request_id was already used for a different request; use a new request_id for a new create.",
                violations: [new FieldViolation("request_id", "already used with different fields")]);
        }

        return parser.ParseFrom(Protector.Unprotect(record.Response));
    }
}
