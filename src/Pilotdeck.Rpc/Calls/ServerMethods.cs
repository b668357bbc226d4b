namespace Pilotdeck.Rpc;

public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context);

public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context);

public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>
/// Receives a service's methods from generated <c>BindService</c> code. The server runtime
/// implements it to build routes; tests can implement it to inspect a service.
/// </summary>
public abstract class ServiceBinderBase
{
    /// <summary>The service's protobuf descriptor, so reflection can describe it. Called once per service before its methods.</summary>
    public virtual void AddServiceDescriptor(Google.Protobuf.Reflection.ServiceDescriptor descriptor)
    {
    }

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class;
}

/// <summary>
/// Put by generated code on a service base class: names the static method that binds a service
/// implementation, with signature <c>static void BindService(ServiceBinderBase, Func&lt;ServerCallContext, TBase&gt;)</c>.
/// The factory resolves the implementation per call (from DI), so services can be scoped.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class BindServiceMethodAttribute : Attribute
{
    public BindServiceMethodAttribute(Type bindType, string bindMethodName)
    {
        BindType = bindType;
        BindMethodName = bindMethodName;
    }

    public Type BindType { get; }

    public string BindMethodName { get; }
}
