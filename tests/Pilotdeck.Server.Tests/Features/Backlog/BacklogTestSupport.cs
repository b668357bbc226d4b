using Grpc.Core;
using Pilotdeck.Contracts.Backlog.V1;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Contracts.Feedback.V1;
using Pilotdeck.Server.Tests.Features.Notifications;

namespace Pilotdeck.Server.Tests.Features.Backlog;

/// <summary>Cohorts, participants and feedback made through the real API for backlog tests.</summary>
public sealed class BacklogTestSupport(NotificationsHostFixture host)
{
    public BacklogService.BacklogServiceClient Backlog => new(host.CreateChannel());

    public CohortsService.CohortsServiceClient Cohorts => new(host.CreateChannel());

    public FeedbackService.FeedbackServiceClient Feedback => new(host.CreateChannel());

    public async Task<string> CohortAsync(Metadata caller)
    {
        var slug = "bl-" + Guid.NewGuid().ToString("N")[..8];
        await Cohorts.CreateCohortAsync(new CreateCohortRequest { Cohort = new Cohort { Slug = slug, Title = "Backlog pilot", DefaultChannel = "wechat", DefaultLocale = "en" } }, caller);
        return slug;
    }

    public async Task<string> ParticipantAsync(Metadata caller, string slug, Participant? participant = null) =>
        (await Cohorts.CreateParticipantAsync(new CreateParticipantRequest { Cohort = slug, Participant = participant ?? new Participant { Alias = "p" + Guid.NewGuid().ToString("N")[..4] } }, caller))
        .Participant.ParticipantId;

    public async Task<string> FeedbackAsync(Metadata caller, string participant, params string[] blockers)
    {
        var request = new SubmitFeedbackRequest { ParticipantId = participant, Rating = 2, Sentiment = "negative" };
        request.Blockers.AddRange(blockers);
        return (await Feedback.SubmitFeedbackAsync(request, caller)).Feedback.FeedbackId;
    }

    public async Task<BacklogItem> CreateAsync(Metadata caller, string slug, string title, IEnumerable<string>? participants = null, IEnumerable<string>? feedback = null)
    {
        var item = new BacklogItem { Cohort = slug, Title = title };
        item.ParticipantIds.AddRange(participants ?? []);
        item.FeedbackIds.AddRange(feedback ?? []);
        return (await Backlog.CreateBacklogItemAsync(new CreateBacklogItemRequest { Item = item }, caller)).Item;
    }

    public async Task<BacklogItem> UpdateAsync(Metadata caller, BacklogItem item, params string[] paths) =>
        (await Backlog.UpdateBacklogItemAsync(new UpdateBacklogItemRequest { Item = item, UpdateMask = new() { Paths = { paths } } }, caller)).Item;

    /// <summary>Moves an item step by step to shipped in <paramref name="release"/>.</summary>
    public async Task<BacklogItem> ShipAsync(Metadata caller, string itemId, string release)
    {
        await UpdateAsync(caller, new BacklogItem { ItemId = itemId, TargetRelease = release }, "target_release");
        BacklogItem item = null!;
        foreach (var state in new[] { BacklogItemState.Planned, BacklogItemState.Fixed, BacklogItemState.Shipped })
        {
            item = await UpdateAsync(caller, new BacklogItem { ItemId = itemId, State = state }, "state");
        }

        return item;
    }

    public static List<string> Violations(RpcException ex) =>
        [.. ex.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field)];
}
