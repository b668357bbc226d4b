using Hangfire;
using Microsoft.Extensions.Options;

namespace Pilotdeck.Server.Platform.Notifications;

/// <summary>The outbox (producers' <see cref="NotificationOutbox"/>), its channels and the delivery job.</summary>
public static class NotificationsRegistration
{
    public static IServiceCollection AddPilotdeckNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<NotificationOptions>(configuration.GetSection(NotificationOptions.Section));
        services.AddHttpClient(WebhookSender.ClientName, (sp, client) =>
        {
            client.Timeout = sp.GetRequiredService<IOptions<NotificationOptions>>().Value.SendTimeout;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Pilotdeck-Notifications/1");
        });
        services.AddScoped<NotificationOutbox>();
        services.AddScoped<ChannelSettings>();
        services.AddScoped<WebhookSender>();
        services.AddScoped<SmtpSender>();
        services.AddScoped<NotificationDelivery>();
        return services;
    }

    public static WebApplication MapNotificationDelivery(this WebApplication app)
    {
        var cron = app.Services.GetRequiredService<IOptions<NotificationOptions>>().Value.DeliveryCron;
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<NotificationDelivery>(NotificationDelivery.JobId, d => d.RunEverywhereAsync(CancellationToken.None), cron);
        return app;
    }
}
