using System.Collections.Concurrent;
using Pilotdeck.Server.Platform.Grpc;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Server.Platform.Auth;

/// <summary>
/// Each method's access rule, read from the <c>(pilotdeck.api.v1.access)</c> option in the contract.
/// A Pilotdeck method without the option needs a valid token and nothing more; the protocol
/// services (health, reflection) are anonymous, because load balancers and grpcurl call them bare.
/// </summary>
public sealed class AccessPolicyCatalog
{
    private static readonly AccessPolicy Anonymous = new() { Anonymous = true };
    private static readonly AccessPolicy AuthenticatedOnly = new();

    private readonly ServedServices _served;
    private readonly ConcurrentDictionary<string, AccessPolicy> _byPath = new(StringComparer.Ordinal);

    public AccessPolicyCatalog(ServedServices served) => _served = served;

    /// <summary>The policy for a call path <c>/package.Service/Method</c>.</summary>
    public AccessPolicy For(string path) => _byPath.GetOrAdd(path, Resolve);

    /// <summary>Every scope some Pilotdeck method accepts: the scopes the token server registers.</summary>
    public IReadOnlyList<string> KnownScopes() =>
    [
        .. _served.Services
            .Where(s => s.File.Package.StartsWith("pilotdeck.", StringComparison.Ordinal))
            .SelectMany(s => s.Methods)
            .SelectMany(m => m.GetOptions()?.GetExtension(AccessExtensions.Access)?.ClientScopes ?? [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];

    private AccessPolicy Resolve(string path)
    {
        var parts = path.TrimStart('/').Split('/');
        var service = parts.Length == 2 ? _served.Find(parts[0]) : null;
        if (service is null)
        {
            // Unknown paths are answered UNIMPLEMENTED by the runtime; demanding a token first would hide that.
            return Anonymous;
        }

        if (!service.File.Package.StartsWith("pilotdeck.", StringComparison.Ordinal))
        {
            return Anonymous;
        }

        var method = service.FindMethodByName(parts[1]);
        return method?.GetOptions()?.GetExtension(AccessExtensions.Access) ?? AuthenticatedOnly;
    }
}
