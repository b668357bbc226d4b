using System.Collections;
using System.Text;

namespace Pilotdeck.Rpc;

/// <summary>
/// Call headers or trailers. Keys are lower-case ASCII; keys ending in <c>-bin</c> carry bytes
/// (base64 on the wire), all others carry printable ASCII strings.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries = new();

    public static readonly Metadata Empty = new Metadata().Freeze();

    private bool _readOnly;

    public Metadata Add(string key, string value)
    {
        Add(new Entry(key, value));
        return this;
    }

    public Metadata Add(string key, byte[] value)
    {
        Add(new Entry(key, value));
        return this;
    }

    /// <summary>The last entry with this key, or null.</summary>
    public Entry? Get(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized)
            {
                return _entries[i];
            }
        }

        return null;
    }

    public string? GetValue(string key) => Get(key)?.Value;

    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public IEnumerable<Entry> GetAll(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        return _entries.Where(e => e.Key == normalized);
    }

    internal Metadata Freeze()
    {
        _readOnly = true;
        return this;
    }

    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ThrowIfReadOnly();
            _entries[index] = value;
        }
    }

    public int Count => _entries.Count;

    public bool IsReadOnly => _readOnly;

    public void Add(Entry item)
    {
        ThrowIfReadOnly();
        _entries.Add(item);
    }

    public void Clear()
    {
        ThrowIfReadOnly();
        _entries.Clear();
    }

    public bool Contains(Entry item) => _entries.Contains(item);

    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(Entry item) => _entries.IndexOf(item);

    public void Insert(int index, Entry item)
    {
        ThrowIfReadOnly();
        _entries.Insert(index, item);
    }

    public bool Remove(Entry item)
    {
        ThrowIfReadOnly();
        return _entries.Remove(item);
    }

    public void RemoveAt(int index)
    {
        ThrowIfReadOnly();
        _entries.RemoveAt(index);
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This metadata is read-only.");
        }
    }

    /// <summary>One metadata entry; validates the key and value against the protocol's rules on creation.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _bytes;

        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends in '-bin' and so takes a byte[] value.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);
            if (!MetadataRules.IsValidAsciiValue(value))
            {
                throw new ArgumentException($"Value of '{Key}' must be printable ASCII (0x20-0x7E).", nameof(value));
            }

            _value = value;
        }

        public Entry(string key, byte[] value)
        {
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' carries bytes and so must end in '-bin'.", nameof(key));
            }

            _bytes = value ?? throw new ArgumentNullException(nameof(value));
        }

        public string Key { get; }

        public bool IsBinary => _bytes is not null;

        /// <summary>The string value; for a binary entry, throws.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"'{Key}' is a binary entry; read ValueBytes.");

        /// <summary>The bytes; for an ASCII entry, its ASCII encoding.</summary>
        public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_value!);

        public static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.Ordinal);

        internal static string NormalizeKey(string key)
        {
            ArgumentNullException.ThrowIfNull(key);
            var lower = key.ToLowerInvariant();
            if (!MetadataRules.IsValidKey(lower))
            {
                throw new ArgumentException($"Metadata key '{key}' may contain only 0-9 a-z _ - . and must not start with ':'.", nameof(key));
            }

            return lower;
        }

        public override string ToString() => IsBinary ? $"{Key}: <{_bytes!.Length} bytes>" : $"{Key}: {_value}";
    }
}
