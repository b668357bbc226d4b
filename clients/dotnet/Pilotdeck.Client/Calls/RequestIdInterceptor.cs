using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Pilotdeck.Client;

/// <summary>
/// Gives every create without a <c>request_id</c> a fresh UUID before the first attempt, so a retry
/// after UNAVAILABLE is answered with the first attempt's result instead of creating twice. The
/// caller's message is left untouched: the id goes on a copy.
/// </summary>
internal sealed class RequestIdInterceptor : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithRequestId(request), context);

    internal static TRequest WithRequestId<TRequest>(TRequest request)
    {
        if (request is not (IMessage message and IDeepCloneable<TRequest> cloneable)
            || message.Descriptor.FindFieldByName("request_id") is not { FieldType: FieldType.String, IsRepeated: false } field
            || field.Accessor.GetValue(message) is string { Length: > 0 })
        {
            return request;
        }

        var copy = cloneable.Clone();
        field.Accessor.SetValue((IMessage)copy!, Guid.NewGuid().ToString());
        return copy;
    }
}
