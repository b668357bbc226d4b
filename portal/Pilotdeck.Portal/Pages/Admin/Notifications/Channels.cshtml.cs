using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.Notifications;

/// <summary>
/// The channels' configuration (admins): the webhook and SMTP forms and a test message. Secrets are
/// write-only: the forms only say whether one is stored, and an empty box keeps it.
/// </summary>
public sealed class ChannelsModel : PortalPageModel
{
    private static readonly FieldMap Fields = new FieldMap()
        .Add("webhook.url", "Webhook.Url", "URL")
        .Add("webhook.secret", "Webhook.Secret", "Secret")
        .Add("smtp.host", "Smtp.Host", "Host")
        .Add("smtp.port", "Smtp.Port", "Port")
        .Add("smtp.from_address", "Smtp.FromAddress", "From address")
        .Add("smtp.password", "Smtp.Password", "Password")
        .Add("recipient", "TestRecipient", "Recipient");

    [BindProperty]
    public WebhookInput Webhook { get; set; } = new();

    [BindProperty]
    public SmtpInput Smtp { get; set; } = new();

    [BindProperty]
    public ChannelKind TestChannel { get; set; } = ChannelKind.Webhook;

    [BindProperty]
    [Display(Name = "Recipient")]
    public string? TestRecipient { get; set; }

    public GetChannelsResponse Stored { get; private set; } = new();

    public OutboxMessage? TestResult { get; private set; }

    public async Task OnGetAsync()
    {
        await LoadAsync();
        if (Stored.Webhook is { } w)
        {
            Webhook = new WebhookInput { Url = w.Url, Auth = w.Auth };
        }

        if (Stored.Smtp is { } s)
        {
            Smtp = new SmtpInput { Host = s.Host, Port = s.Port, Tls = s.Tls, FromAddress = s.FromAddress, Username = s.Username };
        }
    }

    public Task<IActionResult> OnPostWebhookAsync() => SaveAsync(async () =>
    {
        var channel = new WebhookChannel { Url = Webhook.Url ?? "", Auth = Webhook.Auth, Secret = Webhook.Secret ?? "" };
        await Api.Notifications.SetWebhookChannelAsync(new SetWebhookChannelRequest { Webhook = channel }, cancellationToken: Aborted);
        return "Webhook channel saved.";
    });

    public Task<IActionResult> OnPostSmtpAsync() => SaveAsync(async () =>
    {
        var channel = new SmtpChannel
        {
            Host = Smtp.Host ?? "", Port = Smtp.Port, Tls = Smtp.Tls, FromAddress = Smtp.FromAddress ?? "", Username = Smtp.Username ?? "", Password = Smtp.Password ?? "",
        };
        await Api.Notifications.SetSmtpChannelAsync(new SetSmtpChannelRequest { Smtp = channel }, cancellationToken: Aborted);
        return "SMTP channel saved.";
    });

    public async Task<IActionResult> OnPostTestAsync()
    {
        try
        {
            TestResult = (await Api.Notifications.SendTestMessageAsync(new SendTestMessageRequest { Channel = TestChannel, Recipient = TestRecipient ?? "" }, cancellationToken: Aborted)).Message;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
        }

        await LoadAsync();
        return Page();
    }

    private async Task<IActionResult> SaveAsync(Func<Task<string>> save)
    {
        try
        {
            FlashNext(await save());
            return RedirectToPage("/Admin/Notifications/Channels");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            Stored = await Api.Notifications.GetChannelsAsync(new GetChannelsRequest(), cancellationToken: Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}

public sealed class WebhookInput
{
    [Display(Name = "URL")]
    public string? Url { get; set; }

    public WebhookAuth Auth { get; set; }

    [Display(Name = "Secret")]
    public string? Secret { get; set; }
}

public sealed class SmtpInput
{
    [Display(Name = "Host")]
    public string? Host { get; set; }

    [Display(Name = "Port")]
    public int Port { get; set; } = 587;

    public SmtpTls Tls { get; set; } = SmtpTls.Starttls;

    [Display(Name = "From address")]
    public string? FromAddress { get; set; }

    [Display(Name = "Username")]
    public string? Username { get; set; }

    [Display(Name = "Password")]
    public string? Password { get; set; }
}
