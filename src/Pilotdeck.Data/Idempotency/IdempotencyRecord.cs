using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Idempotency;

/// <summary>
/// The stored response of a create call carrying a <c>request_id</c> (AIP-155), replayed when the
/// same request arrives again.
/// </summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public string TenantId { get; init; } = "";

    /// <summary>Full gRPC method name; request ids are only unique per method.</summary>
    public required string Method { get; init; }

    public required string RequestId { get; init; }

    /// <summary>Hash of the request message, so a reused request_id with a different payload can be refused.</summary>
    public required byte[] RequestHash { get; init; }

    public required byte[] Response { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
