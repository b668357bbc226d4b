using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Server.Features.Cohorts.Followups;

namespace Pilotdeck.Server.Tests.Features.Cohorts;

/// <summary>The follow-up arithmetic: last contact, cadence per channel, due, exhausted, score and priority.</summary>
public sealed class FollowupPlannerTests
{
    private static readonly DateTimeOffset Invited = new(2025, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static ParticipantRecord Participant(string channel = "wechat", string tags = "", bool? consent = true, DateTimeOffset? contacted = null) => new()
    {
        Id = Guid.NewGuid().ToString(), CohortId = "c", NaturalKey = "alias:x", Alias = "Lin", Status = "invited", Channel = channel, Tags = tags,
        ConsentGiven = consent, LastContactedAt = contacted, CreatedAt = Invited, UpdatedAt = Invited,
    };

    [Fact]
    public void Wechat_IsDueTwoDaysAfterTheInvitation_ThenFourDaysAfterTheFirstNudge()
    {
        var notYet = FollowupPlanner.Plan(Participant(), null, 0, Invited.AddDays(1.5));
        Assert.Equal((false, Invited.AddDays(2)), (notYet.Due, notYet.NextDue!.Value));

        var due = FollowupPlanner.Plan(Participant(), null, 0, Invited.AddDays(2));
        Assert.True(due.Due);
        Assert.Contains("a nudge is due", due.Reasons);

        var nudgedOnDayTwo = Invited.AddDays(2);
        var second = FollowupPlanner.Plan(Participant(), nudgedOnDayTwo, 1, Invited.AddDays(5));
        Assert.Equal((false, nudgedOnDayTwo.AddDays(4)), (second.Due, second.NextDue!.Value));
    }

    [Fact]
    public void AnOutreachNoteOrARecordedContact_PushesTheNextNudgeOut()
    {
        var note = Invited.AddDays(3);
        Assert.Equal(note.AddDays(3), FollowupPlanner.Plan(Participant(channel: "email"), note, 0, Invited.AddDays(4)).NextDue);
        Assert.Equal(note.AddDays(2), FollowupPlanner.Plan(Participant(contacted: note), null, 0, Invited.AddDays(4)).NextDue);
    }

    [Fact]
    public void AfterTheLastNudgeOfTheCadence_NothingIsDue_AndTheFollowupIsExhausted()
    {
        var planned = FollowupPlanner.Plan(Participant(), Invited.AddDays(10), FollowupPlanner.MaxNudges, Invited.AddDays(40));
        Assert.Equal((true, false, (DateTimeOffset?)null), (planned.Exhausted, planned.Due, planned.NextDue));
    }

    [Fact]
    public void Score_AddsDaysDueVipAndMissingConsent_AndSubtractsNudgesSent()
    {
        var vip = FollowupPlanner.Plan(Participant(tags: "|vip|", consent: null), null, 0, Invited.AddDays(3));
        Assert.Equal((3 + 5 + 10 + 5, 1), (vip.Score, vip.Priority));
        Assert.Equal(["3 days since the last contact", "a nudge is due", "tagged vip", "consent not recorded"], vip.Reasons);

        var nudged = FollowupPlanner.Plan(Participant(), Invited.AddDays(2), 2, Invited.AddDays(3));
        Assert.Equal((1 - 6, 3), (nudged.Score, nudged.Priority));
        Assert.Equal(30 + 5 + 10 + 5, FollowupPlanner.Plan(Participant(tags: "|vip|", consent: null), null, 0, Invited.AddDays(400)).Score);
    }

    [Fact]
    public void Templates_FallBackFromChannelToAnyAndFromLocaleToLanguageToEnglish()
    {
        FollowupTemplate[] templates =
        [
            .. FollowupTemplates.Shipped,
            new() { Kind = "nudge", Channel = "email", Locale = "zh", Subject = "email zh", Body = "b" },
        ];
        Assert.Equal(("email", "zh"), Slot(FollowupTemplates.Choose(templates, "nudge", "email", "zh-TW")));
        Assert.Equal(("*", "zh-CN"), Slot(FollowupTemplates.Choose(templates, "nudge", "wechat", "zh-CN")));
        Assert.Equal(("*", "en"), Slot(FollowupTemplates.Choose(templates, "nudge", "wechat", "fr-FR")));
        Assert.Equal(["{nope}"], FollowupTemplates.UnknownPlaceholders("Hi {alias}, {nope} {cohort_title}"));

        static (string, string) Slot(FollowupTemplate t) => (t.Channel, t.Locale);
    }
}
