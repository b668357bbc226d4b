using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Admin.Retention;

/// <summary>
/// The tenant's retention windows (admins; docs/data-governance.md): each data class's window, editable
/// (empty or 0 returns a class to the installation's default), a dry-run preview of what would go now,
/// and a run now. Runs leave a receipt with counts only.
/// </summary>
public sealed class IndexModel : PortalPageModel
{
    public static readonly IReadOnlyList<(DataClass Class, string Label, string Holds)> Classes =
    [
        (DataClass.FeedbackText, "Feedback text", "highlights and blockers; the blocker wordings in stored daily reports"),
        (DataClass.SessionText, "Session text", "UAT session summaries and follow-ups"),
        (DataClass.Attachments, "Attachments", "transcripts, recordings and other files, with their records"),
        (DataClass.OutreachNotes, "Outreach notes", "notes people wrote about a participant"),
        (DataClass.FollowupHistory, "Follow-up history", "nudge notes and the messages sent to or about participants"),
        (DataClass.ImportFiles, "Import files", "uploaded roster and identities CSVs, and the emails or aliases their plans' rows name"),
    ];

    /// <summary>The days typed per class, in <see cref="Classes"/> order; empty means the default.</summary>
    [BindProperty]
    public List<int?> Days { get; set; } = [];

    public IReadOnlyList<RetentionWindow> Windows { get; private set; } = [];

    /// <summary>The last preview or run on this page.</summary>
    public RunRetentionResponse? Result { get; private set; }

    private static FieldMap Fields => Classes.Select((c, i) => (c, i)).Aggregate(new FieldMap(), (map, x) => map.Add($"windows[{x.i}].days", $"Days[{x.i}]", x.c.Label));

    public async Task OnGetAsync() => await LoadAsync(fillForm: true);

    public async Task<IActionResult> OnPostSaveAsync()
    {
        var request = new UpdateRetentionPolicyRequest();
        request.Windows.AddRange(Classes.Select((c, i) => new RetentionWindowChange { DataClass = c.Class, Days = i < Days.Count ? Days[i] ?? 0 : 0 }));
        try
        {
            await Api.Retention.UpdateRetentionPolicyAsync(request, cancellationToken: Aborted);
            FlashNext("Retention windows saved.");
            return RedirectToPage("/Admin/Retention/Index");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            await LoadAsync(fillForm: false);
            return Page();
        }
    }

    public Task<IActionResult> OnPostPreviewAsync() => RunAsync(dryRun: true);

    public Task<IActionResult> OnPostRunAsync() => RunAsync(dryRun: false);

    public static string LabelOf(DataClass dataClass) => Classes.FirstOrDefault(c => c.Class == dataClass).Label ?? "Profile";

    private async Task<IActionResult> RunAsync(bool dryRun)
    {
        try
        {
            Result = await Api.Retention.RunRetentionAsync(new RunRetentionRequest { DryRun = dryRun }, cancellationToken: Aborted);
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex);
        }

        await LoadAsync(fillForm: true);
        return Page();
    }

    private async Task LoadAsync(bool fillForm)
    {
        try
        {
            Windows = (await Api.Retention.GetRetentionPolicyAsync(new GetRetentionPolicyRequest(), cancellationToken: Aborted)).Windows;
            if (fillForm)
            {
                Days = Classes.Select(c => Windows.FirstOrDefault(w => w.DataClass == c.Class) is { Overridden: true } w ? (int?)w.Days : null).ToList();
            }
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}
