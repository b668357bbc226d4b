using System.ComponentModel.DataAnnotations;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// One cohort's roster: filters and paging, a bulk status change for the selected participants,
/// the CSV export for a CRM, adding one participant, and moving the cohort to its next state.
/// </summary>
public sealed class RosterModel(PortalOptions options) : PortalPageModel
{
    internal static readonly FieldMap Fields = new FieldMap()
        .Add("participant.email", "Input.Email", "Email")
        .Add("participant.alias", "Input.Alias", "Alias")
        .Add("participant.phone", "Input.Phone", "Phone")
        .Add("participant.locale", "Input.Locale", "Locale")
        .Add("participant.tags", "Input.Tags", "Tags");

    /// <summary>The roster's governed forms besides the bulk change (whose moves are held one by one, see <see cref="Held"/>).</summary>
    public const string AddForm = "add";
    public const string AdvanceForm = "advance";

    [BindProperty(SupportsGet = true)]
    public string Slug { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public ParticipantStatus Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Consent { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PageToken { get; set; }

    [BindProperty]
    public AddParticipantInput Input { get; set; } = new();

    public Cohort? Cohort { get; private set; }

    public IReadOnlyList<Participant> Participants { get; private set; } = [];

    public PagerViewModel? Pager { get; private set; }

    /// <summary>The bulk change's participants the policy held, each with its own approval request (keyed by participant id).</summary>
    public IReadOnlyDictionary<string, ApiProblem> Held { get; private set; } = new Dictionary<string, ApiProblem>();

    /// <summary>The status a held bulk change moves to: kept so pressing it again once approved sends the same requests.</summary>
    public ParticipantStatus BulkStatus { get; private set; }

    public static IReadOnlyList<ParticipantStatus> Statuses { get; } =
        [ParticipantStatus.Invited, ParticipantStatus.Scheduled, ParticipantStatus.Active, ParticipantStatus.Completed, ParticipantStatus.Dropped];

    /// <summary>The state a cohort moves to next, or null once closed.</summary>
    public CohortState? NextState => Cohort?.State is { } state && state < CohortState.Closed ? state + 1 : null;

    public async Task OnGetAsync()
    {
        Input.RequestId = Guid.NewGuid().ToString();
        await LoadAsync();
    }

    /// <summary>The roster as CSV, streamed from the API's export as it arrives.</summary>
    public async Task<IActionResult> OnGetExportAsync()
    {
        try
        {
            var request = new ExportParticipantsRequest { Cohort = Slug };
            if (Status != ParticipantStatus.Unspecified)
            {
                request.Statuses.Add(Status);
            }

            var call = Api.Cohorts.ExportParticipants(request, cancellationToken: Aborted);
            // The first chunk is awaited before answering, so a refusal (policy, unknown cohort) shows as a page, not a broken download.
            var first = await call.ResponseStream.MoveNext(Aborted) ? call.ResponseStream.Current.CsvChunk : null;
            Response.Headers.ContentDisposition = $"attachment; filename=\"{Slug}-roster.csv\"";
            Response.ContentType = "text/csv; charset=utf-8";
            // A byte order mark first: a download is opened in a spreadsheet, and Excel reads UTF-8
            // without one as the system's code page (Chinese names garbled). The importers skip it.
            await Response.Body.WriteAsync(System.Text.Encoding.UTF8.Preamble.ToArray(), Aborted);
            if (first is not null)
            {
                await Response.Body.WriteAsync(first.Memory, Aborted);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(Aborted))
                {
                    await Response.Body.WriteAsync(chunk.CsvChunk.Memory, Aborted);
                }
            }

            call.Dispose();
            return new EmptyResult();
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex) && !Response.HasStarted)
        {
            await LoadAsync();
            ShowProblem(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        try
        {
            var participant = new Participant
            {
                Email = Input.Email ?? "", Alias = Input.Alias ?? "", Phone = Input.Phone ?? "", Locale = Input.Locale ?? "", Channel = Input.Channel ?? "",
            };
            participant.Tags.AddRange((Input.Tags ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var created = await Api.Cohorts.CreateParticipantAsync(
                new CreateParticipantRequest { RequestId = Input.RequestId, Cohort = Slug, Participant = participant, Note = Input.Note ?? "" }, cancellationToken: Aborted);
            FlashNext($"{Name(created.Participant)} was added to {Slug}.");
            return RedirectToPage("/Cohorts/Roster", new { slug = Slug });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await LoadAsync();
            ShowProblem(ex, Fields, AddForm);
            Input.RequestId = Guid.NewGuid().ToString();
            return Page();
        }
    }

    /// <summary>
    /// Moves every selected participant to one status; those the lifecycle refuses are listed, the
    /// rest change. Each move is its own governed call: one the policy holds stays selected with
    /// its approval id (its own <see cref="ApprovalIdHandler.ForCall"/> field), so the same press
    /// once they are approved moves exactly those.
    /// </summary>
    public async Task<IActionResult> OnPostBulkAsync(string[] selected, ParticipantStatus bulkStatus)
    {
        if (selected.Length == 0 || bulkStatus == ParticipantStatus.Unspecified)
        {
            FlashNext("Select participants and a status first.");
            return RedirectToPage("/Cohorts/Roster", new { slug = Slug });
        }

        var refused = new List<string>();
        var held = new Dictionary<string, ApiProblem>(StringComparer.Ordinal);
        foreach (var id in selected)
        {
            try
            {
                using (ApprovalIdHandler.ForCall(HttpContext, id))
                {
                    await Api.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
                    {
                        Participant = new Participant { ParticipantId = id, Status = bulkStatus },
                        UpdateMask = new FieldMask { Paths = { "status" } },
                    }, cancellationToken: Aborted);
                }
            }
            catch (RpcException ex) when (ApiProblem.IsShowable(ex) && ApiProblem.From(ex) is { ApprovalId: not null } approval)
            {
                held[id] = approval;
            }
            catch (RpcException ex) when (ApiProblem.IsShowable(ex))
            {
                refused.Add($"{id[..Math.Min(8, id.Length)]}…: {ex.Status.Detail}");
            }
        }

        var moved = $"{selected.Length - refused.Count - held.Count} participant(s) moved to {Funnel.Label(bulkStatus)}.";
        if (held.Count == 0)
        {
            FlashNext(moved + (refused.Count > 0 ? $" Not moved: {string.Join("; ", refused)}" : ""));
            return RedirectToPage("/Cohorts/Roster", new { slug = Slug, status = Status == ParticipantStatus.Unspecified ? null : Status.ToString(), tag = Tag, consent = Consent, q = Q });
        }

        await LoadAsync();
        BulkStatus = bulkStatus;
        Held = held.ToDictionary(h => h.Key, h => h.Value with { ApprovalFor = (h.Key, NameOf(h.Key)) });
        Problem = new ApiProblem("Approval required: the tenant's policy holds this until another member approves it.",
            $"{moved} {held.Count} move(s) are held, each under its own approval request (Approvals page; the ids are beside the participants below). " +
            "Once they are approved, press “Update selected” again as it stands.", "APPROVAL_REQUIRED", refused);
        return Page();
    }

    private string NameOf(string participantId) => Participants.FirstOrDefault(p => p.ParticipantId == participantId) is { } p ? Name(p) : participantId;

    public async Task<IActionResult> OnPostAdvanceAsync(CohortState state)
    {
        try
        {
            await Api.Cohorts.UpdateCohortAsync(new UpdateCohortRequest
            {
                Cohort = new Cohort { Slug = Slug, State = state },
                UpdateMask = new FieldMask { Paths = { "state" } },
            }, cancellationToken: Aborted);
            FlashNext($"{Slug} is now {state.ToString().ToLowerInvariant()}.");
            return RedirectToPage("/Cohorts/Roster", new { slug = Slug });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            await LoadAsync();
            ShowProblem(ex, form: AdvanceForm);
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            Cohort = (await Api.Cohorts.GetCohortAsync(new GetCohortRequest { Slug = Slug }, cancellationToken: Aborted)).Cohort;
            var request = new ListParticipantsRequest { Cohort = Slug, Tag = Tag ?? "", Consent = Consent ?? "", Text = Q ?? "", PageSize = options.PageSize, PageToken = PageToken ?? "" };
            if (Status != ParticipantStatus.Unspecified)
            {
                request.Statuses.Add(Status);
            }

            var page = await Api.Cohorts.ListParticipantsAsync(request, cancellationToken: Aborted);
            Participants = page.Participants;
            Pager = new PagerViewModel("/Cohorts/Roster", PageToken, page.NextPageToken, new Dictionary<string, string?>
            {
                ["slug"] = Slug, ["status"] = Status == ParticipantStatus.Unspecified ? null : Status.ToString(), ["tag"] = Tag, ["consent"] = Consent, ["q"] = Q,
            });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }

    public static string Name(Participant participant) =>
        participant.EraseTime is not null ? "Erased participant" : participant.Alias.Length > 0 ? participant.Alias : participant.Email;
}

public sealed class AddParticipantInput
{
    public string RequestId { get; set; } = "";

    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Display(Name = "Alias")]
    public string? Alias { get; set; }

    [Display(Name = "Phone")]
    public string? Phone { get; set; }

    [Display(Name = "Locale")]
    public string? Locale { get; set; }

    [Display(Name = "Channel")]
    public string? Channel { get; set; }

    [Display(Name = "Tags")]
    public string? Tags { get; set; }

    [Display(Name = "First note")]
    public string? Note { get; set; }
}
