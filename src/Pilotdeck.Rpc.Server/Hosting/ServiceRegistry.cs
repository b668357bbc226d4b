using Google.Protobuf.Reflection;

namespace Pilotdeck.Rpc.Server;

/// <summary>
/// The services this host serves, as protobuf descriptors. Filled as services are mapped;
/// reflection answers from it and health registers each name in it.
/// </summary>
public sealed class ServiceRegistry
{
    private readonly List<ServiceDescriptor> _services = new();
    private readonly object _gate = new();

    public event Action<ServiceDescriptor>? ServiceAdded;

    public IReadOnlyList<ServiceDescriptor> Services
    {
        get
        {
            lock (_gate)
            {
                return _services.ToArray();
            }
        }
    }

    public void Add(ServiceDescriptor descriptor)
    {
        lock (_gate)
        {
            if (_services.Any(s => s.FullName == descriptor.FullName))
            {
                return;
            }

            _services.Add(descriptor);
        }

        ServiceAdded?.Invoke(descriptor);
    }
}
