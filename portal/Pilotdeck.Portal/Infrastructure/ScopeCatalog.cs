using System.Reflection;
using Google.Protobuf.Reflection;
using Pilotdeck.Contracts.Api.V1;

namespace Pilotdeck.Portal.Infrastructure;

/// <summary>
/// The scopes an API client can be given, read from the <c>(pilotdeck.api.v1.access)</c> options of
/// every RPC in the contracts, so a new service's scopes show up on the create form by themselves.
/// </summary>
public sealed class ScopeCatalog
{
    public ScopeCatalog()
        : this(typeof(AccessPolicy).Assembly)
    {
    }

    internal ScopeCatalog(Assembly contracts)
    {
        var scopes = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in FileDescriptorsOf(contracts))
        {
            foreach (var method in file.Services.SelectMany(s => s.Methods))
            {
                var policy = method.GetOptions()?.GetExtension(AccessExtensions.Access);
                foreach (var scope in policy?.ClientScopes ?? [])
                {
                    if (!scopes.TryGetValue(scope, out var methods))
                    {
                        scopes[scope] = methods = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    methods.Add(method.Service.Name + "." + method.Name);
                }
            }
        }

        Scopes = [.. scopes.Select(s => new ScopeInfo(s.Key, s.Value.Count))];
    }

    public IReadOnlyList<ScopeInfo> Scopes { get; }

    private static IEnumerable<FileDescriptor> FileDescriptorsOf(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .Select(p => (FileDescriptor)p!.GetValue(null)!);
}

/// <param name="MethodCount">How many RPCs accept the scope; shown to help pick the narrowest one.</param>
public sealed record ScopeInfo(string Name, int MethodCount);
