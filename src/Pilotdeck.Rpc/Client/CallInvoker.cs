namespace Pilotdeck.Rpc;

/// <summary>Starts calls. The channel provides one; interceptors wrap one.</summary>
public abstract class CallInvoker
{
    public abstract AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class
        where TResponse : class;

    public abstract AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class
        where TResponse : class;

    public abstract AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class
        where TResponse : class;

    public abstract AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class
        where TResponse : class;

    /// <summary>Blocks until a unary call completes; for scripts and tests, not for request paths.</summary>
    public virtual TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class
        where TResponse : class =>
        AsyncUnaryCall(method, options, request).ResponseAsync.GetAwaiter().GetResult();
}

/// <summary>Base of generated clients.</summary>
public abstract class ClientBase
{
    protected ClientBase(CallInvoker callInvoker)
    {
        CallInvoker = callInvoker ?? throw new ArgumentNullException(nameof(callInvoker));
    }

    public CallInvoker CallInvoker { get; }
}

/// <summary>Generated clients derive from this so they can be rebuilt over another invoker (e.g. one with interceptors).</summary>
public abstract class ClientBase<TClient> : ClientBase
    where TClient : ClientBase<TClient>
{
    protected ClientBase(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }
}
