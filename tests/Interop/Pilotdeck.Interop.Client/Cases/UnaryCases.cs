using Grpc.Testing;
using Pilotdeck.Rpc;

namespace Pilotdeck.Interop.Client;

public static partial class InteropCases
{
    private static async Task EmptyUnary(CaseContext c)
    {
        var response = await Expect.Ok(c.Client.EmptyCallAsync(new Empty(), c.Plain()).ResponseAsync, "EmptyCall");
        Expect.Equal(0, response.CalculateSize(), "EmptyCall response size");
    }

    private static async Task LargeUnary(CaseContext c)
    {
        var response = await Expect.Ok(c.Client.UnaryCallAsync(LargeRequest(), c.Plain()).ResponseAsync, "UnaryCall");
        Expect.Zeros(response.Payload, LargeResponseSize, "UnaryCall response");
    }

    private static async Task UnimplementedMethod(CaseContext c) =>
        await Expect.Status(StatusCode.Unimplemented, "TestService/UnimplementedCall",
            () => c.Client.UnimplementedCallAsync(new Empty(), c.Plain()).ResponseAsync);

    private static async Task UnimplementedService(CaseContext c) =>
        await Expect.Status(StatusCode.Unimplemented, "UnimplementedService/UnimplementedCall",
            () => c.Unimplemented.UnimplementedCallAsync(new Empty(), c.Plain()).ResponseAsync);
}
