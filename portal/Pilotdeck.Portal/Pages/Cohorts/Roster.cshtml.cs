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
            ShowProblem(ex, Fields);
            Input.RequestId = Guid.NewGuid().ToString();
            return Page();
        }
    }

    /// <summary>Moves every selected participant to one status; those the lifecycle refuses are listed, the rest change.</summary>
    public async Task<IActionResult> OnPostBulkAsync(string[] selected, ParticipantStatus bulkStatus)
    {
        if (selected.Length == 0 || bulkStatus == ParticipantStatus.Unspecified)
        {
            FlashNext("Select participants and a status first.");
            return RedirectToPage("/Cohorts/Roster", new { slug = Slug });
        }

        var refused = new List<string>();
        foreach (var id in selected)
        {
            try
            {
                await Api.Cohorts.UpdateParticipantAsync(new UpdateParticipantRequest
                {
                    Participant = new Participant { ParticipantId = id, Status = bulkStatus },
                    UpdateMask = new FieldMask { Paths = { "status" } },
                }, cancellationToken: Aborted);
            }
            catch (RpcException ex) when (ApiProblem.IsShowable(ex))
            {
                refused.Add($"{id[..8]}…: {ex.Status.Detail}");
            }
        }

        var moved = selected.Length - refused.Count;
        FlashNext($"{moved} participant(s) moved to {Funnel.Label(bulkStatus)}." + (refused.Count > 0 ? $" Not moved: {string.Join("; ", refused)}" : ""));
        return RedirectToPage("/Cohorts/Roster", new { slug = Slug, status = Status == ParticipantStatus.Unspecified ? null : Status.ToString(), tag = Tag, consent = Consent, q = Q });
    }

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
            ShowProblem(ex);
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
