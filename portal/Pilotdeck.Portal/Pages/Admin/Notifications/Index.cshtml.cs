using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Notifications.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.Notifications;

/// <summary>
/// The tenant's notification outbox: how many messages are pending, delivered and dead, the messages
/// newest first (dead letters with their last error and a Retry button), page by page.
/// </summary>
public sealed class IndexModel(PortalOptions options) : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true)]
    public MessageState State { get; set; }

    public ListMessagesResponse? Outbox { get; private set; }

    public PagerViewModel? Pager { get; private set; }

    public static IReadOnlyList<MessageState> States { get; } = [MessageState.Pending, MessageState.Delivered, MessageState.Dead];

    public static string Label(MessageState state) => state == MessageState.Unspecified ? "Unknown" : state.ToString();

    public static string Label(ChannelKind channel) => channel == ChannelKind.Smtp ? "Email (SMTP)" : "Webhook";

    private string? StateRoute => State == MessageState.Unspecified ? null : State.ToString();

    public async Task OnGetAsync()
    {
        try
        {
            Outbox = await Api.Notifications.ListMessagesAsync(
                new ListMessagesRequest { PageSize = options.PageSize, PageToken = PageToken ?? "", State = State }, cancellationToken: Aborted);
            Pager = new PagerViewModel("/Admin/Notifications/Index", PageToken, Outbox.NextPageToken, new Dictionary<string, string?> { ["state"] = StateRoute });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }
    }

    public async Task<IActionResult> OnPostRetryAsync(string messageId)
    {
        try
        {
            await Api.Notifications.RetryMessageAsync(new RetryMessageRequest { MessageId = messageId }, cancellationToken: Aborted);
            FlashNext($"Message {messageId} is queued again; a delivery run has started.");
            return RedirectToPage("/Admin/Notifications/Index", new { state = StateRoute });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await OnGetAsync();
            ShowProblem(ex);
            return Page();
        }
    }
}
