using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Pages.Cohorts;

namespace Pilotdeck.Portal.Tests.Pages;

/// <summary>The profile's consent line names how and when only where they were recorded (an import may give neither).</summary>
public sealed class ConsentTextTests
{
    private static readonly Timestamp September1 = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 9, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void NotRecorded() => Assert.Equal("not recorded", ParticipantModel.ConsentText(null));

    [Fact]
    public void HowAndWhen() =>
        Assert.Equal("given (signed form, 2025-09-01)", ParticipantModel.ConsentText(new Consent { Given = true, Method = "signed form", RecordTime = September1 }));

    [Fact]
    public void WhenOnly_LeavesNoEmptySlot() =>
        Assert.Equal("withdrawn (2025-09-01)", ParticipantModel.ConsentText(new Consent { Given = false, RecordTime = September1 }));

    [Fact]
    public void NeitherHowNorWhen() => Assert.Equal("given", ParticipantModel.ConsentText(new Consent { Given = true }));
}
