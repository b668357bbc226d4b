using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Tests.Infrastructure;

public sealed class ScopeCatalogTests
{
    [Fact]
    public void Scopes_FromContracts_ListEveryClientScopeOnce()
    {
        var scopes = new ScopeCatalog().Scopes;

        Assert.Contains(scopes, s => s.Name == "identity.read" && s.MethodCount >= 2);
        Assert.Contains(scopes, s => s.Name == "identity.admin");
        Assert.Equal(scopes.Count, scopes.Select(s => s.Name).Distinct().Count());
    }
}
