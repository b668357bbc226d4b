using Google.Protobuf;
using Grpc.Testing;

namespace Pilotdeck.Interop.Client;

/// <summary>One official interop case: its name on the command line and its steps.</summary>
public sealed record InteropCase(string Name, Func<CaseContext, Task> Run);

/// <summary>
/// The 18 client cases of grpc's doc/interop-test-descriptions.md, in the official order.
/// Each case lives in the file for its theme; this file holds the table and the request builders.
/// </summary>
public static partial class InteropCases
{
    public static IReadOnlyList<InteropCase> All { get; } =
    [
        new("empty_unary", EmptyUnary),
        new("large_unary", LargeUnary),
        new("client_compressed_unary", ClientCompressedUnary),
        new("server_compressed_unary", ServerCompressedUnary),
        new("client_streaming", ClientStreaming),
        new("client_compressed_streaming", ClientCompressedStreaming),
        new("server_streaming", ServerStreaming),
        new("server_compressed_streaming", ServerCompressedStreaming),
        new("ping_pong", PingPong),
        new("empty_stream", EmptyStream),
        new("custom_metadata", CustomMetadata),
        new("status_code_and_message", StatusCodeAndMessage),
        new("special_status_message", SpecialStatusMessage),
        new("unimplemented_method", UnimplementedMethod),
        new("unimplemented_service", UnimplementedService),
        new("cancel_after_begin", CancelAfterBegin),
        new("cancel_after_first_response", CancelAfterFirstResponse),
        new("timeout_on_sleeping_server", TimeoutOnSleepingServer),
    ];

    public static InteropCase? Find(string name) => All.FirstOrDefault(c => c.Name == name);

    private const int LargeRequestSize = 271828;
    private const int LargeResponseSize = 314159;

    private static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    private static BoolValue Bool(bool value) => new() { Value = value };

    private static SimpleRequest LargeRequest() => new() { ResponseSize = LargeResponseSize, Payload = Zeros(LargeRequestSize) };

    private static StreamingOutputCallRequest StreamRequest(int responseSize, int requestSize = 0) => new()
    {
        ResponseParameters = { new ResponseParameters { Size = responseSize } },
        Payload = requestSize > 0 ? Zeros(requestSize) : null,
    };

    private static StreamingInputCallRequest InputRequest(int size, bool? expectCompressed = null) => new()
    {
        Payload = Zeros(size),
        ExpectCompressed = expectCompressed is { } value ? Bool(value) : null,
    };
}
