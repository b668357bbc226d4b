using Google.Protobuf;
using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

/// <summary>A case's expectation did not hold; the message is the reason printed after FAIL.</summary>
public sealed class CaseFailedException(string message) : Exception(message);

/// <summary>The assertions the cases share; each failure message names what was being checked.</summary>
internal static class Expect
{
    public static void That(bool condition, string message)
    {
        if (!condition)
        {
            throw new CaseFailedException(message);
        }
    }

    public static void Equal<T>(T expected, T actual, string what) =>
        That(EqualityComparer<T>.Default.Equals(expected, actual), $"{what}: got {Show(actual)}, expected {Show(expected)}");

    /// <summary>The call must succeed; a failure is reported with its status rather than as a crash.</summary>
    public static async Task<T> Ok<T>(Task<T> call, string what)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new CaseFailedException($"{what} failed: {Describe(ex.Status)}");
        }
    }

    /// <summary>The steps must end in an <see cref="RpcException"/> with <paramref name="code"/>.</summary>
    public static async Task<RpcException> Status(StatusCode code, string what, Func<Task> steps)
    {
        try
        {
            await steps().ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            That(ex.StatusCode == code, $"{what}: expected status {code} ({(int)code}), got {Describe(ex.Status)}");
            return ex;
        }

        throw new CaseFailedException($"{what}: expected status {code} but the call succeeded");
    }

    public static void Zeros(Payload? payload, int size, string what)
    {
        var body = payload?.Body ?? ByteString.Empty;
        That(body.Length == size, $"{what}: payload body is {body.Length} bytes, expected {size}");
        That(!body.Span.ContainsAnyExcept((byte)0), $"{what}: payload body is not all zeros");
    }

    public static void CompressedFlags(TappedCall tapped, IReadOnlyList<bool> expected, string what)
    {
        var seen = tapped.CompressedFlags;
        That(seen.SequenceEqual(expected),
            $"{what}: response compressed flags [{Flags(seen)}], expected [{Flags(expected)}] (grpc-encoding: {tapped.ResponseEncoding ?? "none"})");
    }

    public static string Describe(Status status) => $"{status.StatusCode} ({(int)status.StatusCode}): {Show(status.Detail)}";

    private static string Flags(IEnumerable<bool> flags) => string.Join(", ", flags.Select(f => f ? 1 : 0));

    private static string Show<T>(T value) => value is string s ? System.Text.Json.JsonSerializer.Serialize(s) : value?.ToString() ?? "null";
}
