using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// The contracts this host serves, as protobuf descriptors: what GetServerInfo reports and where
/// the access policy of each method is read. Filled as the services are mapped, so nothing is
/// listed that is not actually served.
/// </summary>
public sealed class ServedServices
{
    private readonly List<ServiceDescriptor> _services = [];

    public IReadOnlyList<ServiceDescriptor> Services => _services;

    internal void Add(ServiceDescriptor descriptor)
    {
        if (_services.All(s => s.FullName != descriptor.FullName))
        {
            _services.Add(descriptor);
        }
    }

    public ServiceDescriptor? Find(string fullName) => _services.FirstOrDefault(s => s.FullName == fullName);
}
