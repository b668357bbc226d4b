using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Pilotdeck.Rpc;

namespace Pilotdeck.Client;

/// <summary>
/// Decides whether a call may be sent again after UNAVAILABLE. The contract says so per method with
/// <c>option idempotency_level</c>, read from the generated file descriptors of the assembly that
/// holds the request type (Pilotdeck.Contracts for the built-in clients); a create is safe to
/// repeat when its <c>request_id</c> is set, because the server answers a repeat with the first result.
/// </summary>
internal static class IdempotencyCatalog
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, bool>> ByAssembly = new();

    public static bool IsRetryable<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request)
    {
        if (method.Type != MethodType.Unary)
        {
            return false;
        }

        var declared = ByAssembly.GetOrAdd(typeof(TRequest).Assembly, Scan);
        return (declared.TryGetValue(method.FullName, out var idempotent) && idempotent) || HasRequestId(request);
    }

    private static bool HasRequestId<TRequest>(TRequest request) =>
        request is IMessage message
        && message.Descriptor.FindFieldByName("request_id") is { FieldType: FieldType.String, IsRepeated: false } field
        && field.Accessor.GetValue(message) is string { Length: > 0 };

    /// <summary>Maps every method path (<c>/package.Service/Method</c>) of every generated file in the assembly to its idempotency.</summary>
    private static IReadOnlyDictionary<string, bool> Scan(Assembly assembly)
    {
        var methods = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var file in FileDescriptorsOf(assembly))
        {
            foreach (var service in file.Services)
            {
                foreach (var method in service.Methods)
                {
                    var level = method.GetOptions()?.IdempotencyLevel ?? MethodOptions.Types.IdempotencyLevel.IdempotencyUnknown;
                    methods["/" + service.FullName + "/" + method.Name] =
                        level is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent;
                }
            }
        }

        return methods;
    }

    // protoc's C# generator emits one static "<File>Reflection" class per .proto with a static Descriptor property.
    private static IEnumerable<FileDescriptor> FileDescriptorsOf(Assembly assembly)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types;
        }

        foreach (var type in types)
        {
            if (type is { IsAbstract: true, IsSealed: true, IsGenericTypeDefinition: false }
                && type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static) is { PropertyType: var propertyType } property
                && propertyType == typeof(FileDescriptor)
                && property.GetValue(null) is FileDescriptor file)
            {
                yield return file;
            }
        }
    }
}
