namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>Receipts and each tenant's verifiable log of them (docs/receipts.md).</summary>
public static class ReceiptsRegistration
{
    public static IServiceCollection AddPilotdeckReceipts(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReceiptLogOptions>(configuration.GetSection(ReceiptLogOptions.Section));
        services.AddScoped<ChangeReceipts>();
        services.AddScoped<TenantLogKeys>();
        services.AddScoped<ReceiptSequencer>();
        services.AddHostedService<ReceiptLogService>();
        return services;
    }
}
