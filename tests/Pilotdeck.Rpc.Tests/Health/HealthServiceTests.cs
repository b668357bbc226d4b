using Pilotdeck.Rpc.Server;
using Pilotdeck.Rpc.Server.Health;
using Pilotdeck.Rpc.Server.Health.V1;
using Pilotdeck.Rpc.Server.Reflection.V1;
using Pilotdeck.Rpc.Tests.Reflection;
using ServingStatus = Pilotdeck.Rpc.Server.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Pilotdeck.Rpc.Tests.Health;

public sealed class HealthServiceTests
{
    private const string HealthName = "grpc.health.v1.Health";
    private const string ReflectionName = "grpc.reflection.v1.ServerReflection";

    private readonly ServiceRegistry _registry = new();
    private readonly HealthStatusStore _store;
    private readonly HealthService _service;

    public HealthServiceTests()
    {
        _registry.Add(HealthReflection.Descriptor.Services[0]);
        _store = new HealthStatusStore(_registry);
        _service = new HealthService(_store);
    }

    [Fact]
    public async Task Check_RegisteredService_ReturnsServing()
    {
        var response = await _service.Check(new HealthCheckRequest { Service = HealthName }, new FakeServerCallContext());

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_EmptyName_ReturnsOverallStatus()
    {
        Assert.Equal(ServingStatus.Serving, (await _service.Check(new HealthCheckRequest(), new FakeServerCallContext())).Status);

        _store.SetStatus(HealthStatusStore.Server, ServingStatus.NotServing);

        Assert.Equal(ServingStatus.NotServing, (await _service.Check(new HealthCheckRequest(), new FakeServerCallContext())).Status);
    }

    [Fact]
    public async Task Check_UnknownService_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _service.Check(new HealthCheckRequest { Service = "no.Such" }, new FakeServerCallContext()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Check_AfterSetStatus_ReturnsNewStatus()
    {
        _store.SetStatus(HealthName, ServingStatus.NotServing);

        var response = await _service.Check(new HealthCheckRequest { Service = HealthName }, new FakeServerCallContext());

        Assert.Equal(ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Check_ServiceAddedToRegistryLater_IsServingByDefault()
    {
        _registry.Add(ReflectionReflection.Descriptor.Services[0]);

        var response = await _service.Check(new HealthCheckRequest { Service = ReflectionName }, new FakeServerCallContext());

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_ClearedService_ThrowsNotFound()
    {
        _store.ClearStatus(HealthName);

        var error = await Assert.ThrowsAsync<RpcException>(() => _service.Check(new HealthCheckRequest { Service = HealthName }, new FakeServerCallContext()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public void SetAllNotServing_KnownServices_AllReportNotServing()
    {
        _store.SetAllNotServing();

        Assert.Equal(ServingStatus.NotServing, _store.GetStatus(HealthStatusStore.Server));
        Assert.Equal(ServingStatus.NotServing, _store.GetStatus(HealthName));
    }

    [Fact]
    public void SetStatus_ServiceUnknown_Throws()
    {
        Assert.Throws<ArgumentException>(() => _store.SetStatus(HealthName, ServingStatus.ServiceUnknown));
    }

    [Fact]
    public async Task Watch_KnownService_SendsCurrentStatusAtOnceThenEachChange()
    {
        var context = new FakeServerCallContext();
        var responses = new ChannelStreamWriter<HealthCheckResponse>();
        var call = _service.Watch(new HealthCheckRequest { Service = HealthName }, responses, context);

        Assert.Equal(ServingStatus.Serving, (await responses.ReadAsync()).Status);

        _store.SetStatus(HealthName, ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, (await responses.ReadAsync()).Status);

        _store.SetStatus(HealthName, ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, (await responses.ReadAsync()).Status);

        context.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_SameStatusSetAgain_SendsNothing()
    {
        var context = new FakeServerCallContext();
        var responses = new ChannelStreamWriter<HealthCheckResponse>();
        var call = _service.Watch(new HealthCheckRequest { Service = HealthName }, responses, context);
        await responses.ReadAsync();

        _store.SetStatus(HealthName, ServingStatus.Serving);

        Assert.True(await responses.StaysQuietAsync());
        context.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_UnknownService_SendsServiceUnknownAndStaysOpenUntilItAppears()
    {
        var context = new FakeServerCallContext();
        var responses = new ChannelStreamWriter<HealthCheckResponse>();
        var call = _service.Watch(new HealthCheckRequest { Service = ReflectionName }, responses, context);

        Assert.Equal(ServingStatus.ServiceUnknown, (await responses.ReadAsync()).Status);
        Assert.False(call.IsCompleted);

        _registry.Add(ReflectionReflection.Descriptor.Services[0]);
        Assert.Equal(ServingStatus.Serving, (await responses.ReadAsync()).Status);

        context.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_ServiceCleared_SendsServiceUnknown()
    {
        var context = new FakeServerCallContext();
        var responses = new ChannelStreamWriter<HealthCheckResponse>();
        var call = _service.Watch(new HealthCheckRequest { Service = HealthName }, responses, context);
        await responses.ReadAsync();

        _store.ClearStatus(HealthName);

        Assert.Equal(ServingStatus.ServiceUnknown, (await responses.ReadAsync()).Status);
        context.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_ClientCancels_StopsAndLeavesNoSubscriber()
    {
        var context = new FakeServerCallContext();
        var responses = new ChannelStreamWriter<HealthCheckResponse>();
        var call = _service.Watch(new HealthCheckRequest { Service = HealthName }, responses, context);
        await responses.ReadAsync();

        context.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
        _store.SetStatus(HealthName, ServingStatus.NotServing);

        Assert.True(await responses.StaysQuietAsync());
    }

    [Fact]
    public async Task Subscription_SlowReader_SeesLatestStatus()
    {
        using var subscription = _store.Watch(HealthName);

        _store.SetStatus(HealthName, ServingStatus.NotServing);
        _store.SetStatus(HealthName, ServingStatus.Unknown);

        Assert.Equal(ServingStatus.Unknown, await subscription.Statuses.ReadAsync());
        Assert.False(subscription.Statuses.TryRead(out _));
    }
}
