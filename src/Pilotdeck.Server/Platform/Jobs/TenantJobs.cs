using Hangfire;
using Hangfire.Client;
using Hangfire.Common;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Jobs run for the tenant that enqueued them. The client side stamps the enqueuing scope's tenant
/// on the job as a parameter; the server side (<see cref="TenantJobActivator"/>) builds the job's DI
/// scope bound to that tenant, so the data layer filters the job's queries exactly as it filters an
/// RPC's. A job enqueued from an unbound scope (installation housekeeping) runs unbound.
/// </summary>
public static class TenantJobs
{
    /// <summary>The job parameter carrying the tenant id; the tenant jobs page filters on it too.</summary>
    public const string TenantParameter = "pilotdeck.tenant";

    /// <summary>
    /// The <see cref="IBackgroundJobClient"/> of a scope: Hangfire's own client with one more filter,
    /// the stamp of this scope's tenant. Scoped, so the stamp can never come from another call.
    /// </summary>
    internal static IBackgroundJobClient CreateClient(IServiceProvider scope)
    {
        var filters = new JobFilterCollection { new TenantStamp(scope.GetRequiredService<ITenantContext>()) };
        var providers = new JobFilterProviderCollection(scope.GetRequiredService<IJobFilterProvider>(), filters);
        return new BackgroundJobClient(scope.GetRequiredService<JobStorage>(), providers);
    }

    private sealed class TenantStamp(ITenantContext tenant) : IClientFilter
    {
        public void OnCreating(CreatingContext context)
        {
            if (tenant.TenantId is { } tenantId)
            {
                context.SetJobParameter(TenantParameter, tenantId);
            }
        }

        public void OnCreated(CreatedContext context)
        {
        }
    }
}

/// <summary>
/// Resolves each job in a DI scope of its own, bound to the tenant the job was enqueued for
/// (as <see cref="TenantScopes.CreateTenantScope(IServiceScopeFactory, string)"/> binds one).
/// </summary>
internal sealed class TenantJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context)
    {
        var tenantId = context.GetJobParameter<string>(TenantJobs.TenantParameter);
        var scope = string.IsNullOrEmpty(tenantId) ? scopes.CreateAsyncScope() : scopes.CreateTenantScope(tenantId);
        return new Scope(scope);
    }

    private sealed class Scope(AsyncServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

        // Hangfire disposes scopes synchronously; the pooled DbContext supports both.
        public override void DisposeScope() => ((IDisposable)scope).Dispose();
    }
}
