using System.Threading.Channels;
using Pilotdeck.Rpc.Server.Health.V1;
using ServingStatus = Pilotdeck.Rpc.Server.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Pilotdeck.Rpc.Server.Health;

/// <summary>
/// The serving status of the server ("") and of each service, as grpc.health.v1 reports it.
/// Every service in the <see cref="ServiceRegistry"/> is SERVING unless someone says otherwise;
/// set <see cref="ServingStatus.NotServing"/> while a dependency is down or during shutdown so
/// load balancers drain traffic first.
/// </summary>
public sealed class HealthStatusStore
{
    /// <summary>The name that stands for the whole server.</summary>
    public const string Server = "";

    private readonly object _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [Server] = ServingStatus.Serving };
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    public HealthStatusStore(ServiceRegistry registry)
    {
        // Subscribe before reading the list so a service mapped in between is not missed; adding a
        // default twice is harmless.
        registry.ServiceAdded += descriptor => AddDefault(descriptor.FullName);
        foreach (var service in registry.Services)
        {
            AddDefault(service.FullName);
        }
    }

    /// <summary>The status of a service (or <see cref="Server"/>), or null when the service is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>Sets a status and tells every watcher of that service if it changed.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new ArgumentException("SERVICE_UNKNOWN is reported for unknown services; use ClearStatus to forget one.", nameof(status));
        }

        lock (_gate)
        {
            if (_statuses.TryGetValue(service, out var current) && current == status)
            {
                return;
            }

            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Marks the server and every known service NOT_SERVING, e.g. when shutdown begins.</summary>
    public void SetAllNotServing()
    {
        lock (_gate)
        {
            foreach (var service in _statuses.Keys.ToList())
            {
                SetStatus(service, ServingStatus.NotServing);
            }
        }
    }

    /// <summary>
    /// Follows a service's status: the reader yields the current status at once (SERVICE_UNKNOWN
    /// when the service is unknown), then each change. A slow reader skips intermediate states and
    /// sees the latest, which is all a health watcher needs. Dispose to stop.
    /// </summary>
    public HealthSubscription Watch(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        lock (_gate)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var status) ? status : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(service, out var list))
            {
                _watchers[service] = list = new List<Channel<ServingStatus>>();
            }

            list.Add(channel);
        }

        return new HealthSubscription(channel.Reader, () => Unwatch(service, channel));
    }

    private void AddDefault(string service)
    {
        lock (_gate)
        {
            if (_statuses.TryAdd(service, ServingStatus.Serving))
            {
                Notify(service, ServingStatus.Serving);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var channel in list)
            {
                channel.Writer.TryWrite(status);
            }
        }
    }

    private void Unwatch(string service, Channel<ServingStatus> channel)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(service, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _watchers.Remove(service);
            }
        }

        channel.Writer.TryComplete();
    }
}

/// <summary>A live view of one service's status; see <see cref="HealthStatusStore.Watch"/>.</summary>
public sealed class HealthSubscription : IDisposable
{
    private readonly Action _unsubscribe;
    private int _disposed;

    internal HealthSubscription(ChannelReader<ServingStatus> statuses, Action unsubscribe)
    {
        Statuses = statuses;
        _unsubscribe = unsubscribe;
    }

    public ChannelReader<ServingStatus> Statuses { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe();
        }
    }
}
