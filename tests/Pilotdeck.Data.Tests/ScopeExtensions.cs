using Microsoft.Extensions.DependencyInjection;

namespace Pilotdeck.Data.Tests;

internal static class ScopeExtensions
{
    public static T Get<T>(this AsyncServiceScope scope)
        where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    public static PilotdeckDbContext Db(this AsyncServiceScope scope) => scope.Get<PilotdeckDbContext>();
}
