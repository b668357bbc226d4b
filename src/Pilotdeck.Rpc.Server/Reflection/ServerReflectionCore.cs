using Pilotdeck.Rpc.Server.Reflection.V1;

namespace Pilotdeck.Rpc.Server.Reflection;

/// <summary>
/// Answers server reflection questions from the <see cref="ServiceRegistry"/>. Both protocol
/// versions use it: v1alpha is the same wire format under another package, so its service
/// converts to and from the v1 messages here instead of repeating this logic.
/// </summary>
public sealed class ServerReflectionCore
{
    private readonly ServiceRegistry _registry;
    private volatile ReflectionIndex? _index;

    public ServerReflectionCore(ServiceRegistry registry)
    {
        _registry = registry;
    }

    /// <summary>The answer to one request; failures are error responses, never exceptions, so the stream stays open.</summary>
    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var index = CurrentIndex();
        var response = new ServerReflectionResponse
        {
            ValidHost = request.Host,
            OriginalRequest = request.Clone(),
        };

        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, index.FindFile(request.FileByFilename), $"File not found: {request.FileByFilename}");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, index.FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol not found: {request.FileContainingSymbol}");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(
                    response,
                    index.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension not found: {extension.ContainingType}({extension.ExtensionNumber})");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var typeName = request.AllExtensionNumbersOfType;
                if (index.FindMessage(typeName) is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type not found: {typeName}");
                    break;
                }

                var numbers = new ExtensionNumberResponse { BaseTypeName = typeName };
                numbers.ExtensionNumber.AddRange(index.ExtensionNumbersOf(typeName));
                response.AllExtensionNumbersResponse = numbers;
                break;

            default:
                // Also what a question added to the protocol after this code was written looks like.
                SetError(response, StatusCode.Unimplemented, "The request asks no question this server understands.");
                break;
        }

        return response;
    }

    /// <summary>
    /// Serves one reflection stream: each request is answered as soon as it arrives, so clients
    /// that keep the stream open while they explore aren't left waiting for a half-close.
    /// </summary>
    internal static async Task ServeAsync<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requests,
        IServerStreamWriter<TResponse> responses,
        Func<TRequest, TResponse> answer,
        CancellationToken cancellationToken)
    {
        while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            await responses.WriteAsync(answer(requests.Current), cancellationToken).ConfigureAwait(false);
        }
    }

    private ReflectionIndex CurrentIndex()
    {
        // Services are only ever added, so the count tells whether the snapshot is stale. Two
        // callers may both rebuild after a change; either result is correct.
        var services = _registry.Services;
        var index = _index;
        if (index is null || index.ServiceCount != services.Count)
        {
            _index = index = new ReflectionIndex(services);
        }

        return index;
    }

    private static void SetFile(ServerReflectionResponse response, Google.Protobuf.Reflection.FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(ReflectionIndex.WithDependencies(file));
        response.FileDescriptorResponse = files;
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
