using System.Buffers;
using Google.Protobuf;

namespace Pilotdeck.Rpc;

public enum MethodType
{
    Unary,
    ClientStreaming,
    ServerStreaming,
    DuplexStreaming,
}

/// <summary>
/// Turns messages into bytes and back. A marshaller that can also size a message and write it into
/// a buffer writer lets the runtime serialize straight into the HTTP/2 pipe, with no interim array.
/// </summary>
public sealed class Marshaller<T>
{
    public Marshaller(Func<T, byte[]> serializer, Func<ReadOnlyMemory<byte>, T> deserializer, Func<T, int>? sizer = null, Action<T, IBufferWriter<byte>>? bufferSerializer = null)
    {
        Serializer = serializer;
        Deserializer = deserializer;
        Sizer = sizer;
        BufferSerializer = bufferSerializer;
    }

    public Func<T, byte[]> Serializer { get; }

    public Func<ReadOnlyMemory<byte>, T> Deserializer { get; }

    /// <summary>The serialized size of a message, when known without serializing; pairs with <see cref="BufferSerializer"/>.</summary>
    public Func<T, int>? Sizer { get; }

    /// <summary>Writes a message into a buffer writer; null when only <see cref="Serializer"/> is available.</summary>
    public Action<T, IBufferWriter<byte>>? BufferSerializer { get; }
}

public static class Marshallers
{
    /// <summary>The marshaller generated code uses for every protobuf message.</summary>
    public static Marshaller<T> ForMessage<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        new(message => message.ToByteArray(), bytes => parser.ParseFrom(bytes.Span), message => message.CalculateSize(), (message, writer) => message.WriteTo(writer));
}

/// <summary>A method's identity independent of its message types.</summary>
public interface IMethod
{
    MethodType Type { get; }

    string ServiceName { get; }

    string Name { get; }

    /// <summary>The HTTP/2 path: <c>/package.Service/Method</c>.</summary>
    string FullName { get; }
}

public sealed class Method<TRequest, TResponse> : IMethod
{
    public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestMarshaller = requestMarshaller;
        ResponseMarshaller = responseMarshaller;
        FullName = "/" + serviceName + "/" + name;
    }

    public MethodType Type { get; }

    public string ServiceName { get; }

    public string Name { get; }

    public string FullName { get; }

    public Marshaller<TRequest> RequestMarshaller { get; }

    public Marshaller<TResponse> ResponseMarshaller { get; }
}
