using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Pilotdeck.Rpc.Server.Reflection;

/// <summary>
/// Everything reflection can describe: the files of the served services and, transitively, every
/// file they import, with each symbol mapped to the file that declares it. Immutable; rebuilt when
/// the set of services changes.
/// </summary>
internal sealed class ReflectionIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> _extensions = new();
    private readonly Dictionary<string, SortedSet<int>> _extensionNumbers = new(StringComparer.Ordinal);

    public ReflectionIndex(IReadOnlyList<ServiceDescriptor> services)
    {
        ServiceCount = services.Count;
        ServiceNames = services.Select(s => s.FullName).ToArray();
        foreach (var service in services)
        {
            AddFile(service.File);
        }
    }

    /// <summary>How many registered services this index was built from; the registry only grows, so a different count means stale.</summary>
    public int ServiceCount { get; }

    public IReadOnlyList<string> ServiceNames { get; }

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindFileContainingSymbol(string symbol) => _symbols.GetValueOrDefault(symbol);

    public FileDescriptor? FindFileContainingExtension(string extendee, int number) =>
        _extensions.GetValueOrDefault((extendee, number));

    public MessageDescriptor? FindMessage(string fullName) => _messages.GetValueOrDefault(fullName);

    public IReadOnlyCollection<int> ExtensionNumbersOf(string extendee) =>
        _extensionNumbers.TryGetValue(extendee, out var numbers) ? numbers : Array.Empty<int>();

    /// <summary>
    /// The file first, then everything it imports, transitively, each file once: a client can
    /// build the file's descriptors from this one answer without asking again.
    /// </summary>
    public static IReadOnlyList<ByteString> WithDependencies(FileDescriptor file)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ByteString>();
        var pending = new Stack<FileDescriptor>();
        pending.Push(file);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (!seen.Add(next.Name))
            {
                continue;
            }

            result.Add(next.SerializedData);
            for (var i = next.Dependencies.Count - 1; i >= 0; i--)
            {
                pending.Push(next.Dependencies[i]);
            }
        }

        return result;
    }

    private void AddFile(FileDescriptor file)
    {
        if (!_files.TryAdd(file.Name, file))
        {
            return;
        }

        foreach (var service in file.Services)
        {
            AddSymbol(service.FullName, file);
            foreach (var method in service.Methods)
            {
                AddSymbol(method.FullName, file);
            }
        }

        foreach (var message in file.MessageTypes)
        {
            AddMessage(message, file);
        }

        foreach (var @enum in file.EnumTypes)
        {
            AddEnum(@enum, file);
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }

        foreach (var dependency in file.Dependencies)
        {
            AddFile(dependency);
        }
    }

    private void AddMessage(MessageDescriptor message, FileDescriptor file)
    {
        AddSymbol(message.FullName, file);
        _messages.TryAdd(message.FullName, message);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            AddSymbol(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            AddSymbol(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, file);
        }

        foreach (var @enum in message.EnumTypes)
        {
            AddEnum(@enum, file);
        }

        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            AddExtension(extension, file);
        }
    }

    private void AddEnum(EnumDescriptor @enum, FileDescriptor file)
    {
        AddSymbol(@enum.FullName, file);
        var scope = @enum.FullName.LastIndexOf('.') is var dot and >= 0 ? @enum.FullName[..(dot + 1)] : "";
        foreach (var value in @enum.Values)
        {
            // protoc scopes enum values beside their enum (C++ rules), so "pkg.VALUE" is the
            // canonical name; "pkg.Enum.VALUE" is what some clients try, so answer that too.
            AddSymbol(scope + value.Name, file);
            AddSymbol(@enum.FullName + "." + value.Name, file);
        }
    }

    private void AddExtension(FieldDescriptor extension, FileDescriptor file)
    {
        AddSymbol(extension.FullName, file);
        var extendee = extension.ExtendeeType.FullName;
        _extensions.TryAdd((extendee, extension.FieldNumber), file);
        if (!_extensionNumbers.TryGetValue(extendee, out var numbers))
        {
            _extensionNumbers[extendee] = numbers = new SortedSet<int>();
        }

        numbers.Add(extension.FieldNumber);
    }

    // The first declaration wins; a well-formed descriptor set never declares a name twice.
    private void AddSymbol(string fullName, FileDescriptor file) => _symbols.TryAdd(fullName, file);
}
