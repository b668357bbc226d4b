using System.Reflection;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Client;

/// <summary>
/// Which methods may be sent again after UNAVAILABLE, read from the contracts' file descriptors:
/// unary methods declared <c>NO_SIDE_EFFECTS</c> or <c>IDEMPOTENT</c> with <c>option
/// idempotency_level</c>, and unary creates whose request has a <c>request_id</c> (the server
/// answers a repeat of the same id with the first result).
/// </summary>
internal static class IdempotencyCatalog
{
    public static IEnumerable<(string Service, string Method)> RetryableMethods(params Assembly[] assemblies) =>
        assemblies.Distinct().SelectMany(FileDescriptorsOf).SelectMany(f => f.Services).SelectMany(s => s.Methods)
            .Where(m => !m.IsClientStreaming && !m.IsServerStreaming && (IsDeclaredIdempotent(m) || HasRequestId(m.InputType)))
            .Select(m => (m.Service.FullName, m.Name))
            .Distinct();

    internal static bool IsDeclaredIdempotent(MethodDescriptor method) =>
        method.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.NoSideEffects or MethodOptions.Types.IdempotencyLevel.Idempotent;

    internal static bool HasRequestId(MessageDescriptor message) =>
        message.FindFieldByName("request_id") is { FieldType: FieldType.String, IsRepeated: false };

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
