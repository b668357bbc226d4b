using Grpc.Core;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Cohorts.V1;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// The participants a page lists by id (feedback, UAT sessions), named as the roster names them.
/// Only the ids on the page are looked up, each with its own call, side by side: a page holds a few
/// dozen at most, where reading a whole roster could mean thousands. Names are a convenience, like
/// ActorNames: one that cannot be read leaves its id, unless the session ended.
/// </summary>
public sealed class ParticipantNames
{
    private readonly IReadOnlyDictionary<string, string> _names;

    private ParticipantNames(IReadOnlyDictionary<string, string> names) => _names = names;

    public static async Task<ParticipantNames> LoadAsync(PilotdeckClient api, IEnumerable<string> participantIds, CancellationToken cancellationToken)
    {
        var named = await Task.WhenAll(participantIds.Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).Select(async id =>
        {
            try
            {
                var found = await api.Cohorts.GetParticipantAsync(new GetParticipantRequest { ParticipantId = id }, cancellationToken: cancellationToken);
                return (Id: id, Name: RosterModel.Name(found.Participant));
            }
            catch (RpcException ex) when (ex.StatusCode != StatusCode.Unauthenticated)
            {
                return (Id: id, Name: "");
            }
        }));
        return new ParticipantNames(named.Where(n => n.Name.Length > 0).ToDictionary(n => n.Id, n => n.Name, StringComparer.Ordinal));
    }

    /// <summary>
    /// The participant's name, or the end of their id: ids are time-ordered, so a cohort's share
    /// their start and the end tells them apart.
    /// </summary>
    public string Of(string participantId) =>
        _names.TryGetValue(participantId, out var name) ? name : "…" + participantId[Math.Max(0, participantId.Length - 8)..];
}
