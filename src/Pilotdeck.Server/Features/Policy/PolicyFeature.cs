using Pilotdeck.Server.Platform.Policy;

namespace Pilotdeck.Server.Features.Policy;

public static class PolicyFeature
{
    public static IServiceCollection AddPolicyFeature(this IServiceCollection services)
    {
        services.AddSingleton<PolicyBundleCache>();
        services.AddScoped<PolicyStore>();
        services.AddScoped<PolicyGate>();
        return services;
    }
}
