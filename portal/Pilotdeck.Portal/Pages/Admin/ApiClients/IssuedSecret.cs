using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Pilotdeck.Portal.Pages.Admin.ApiClients;

/// <summary>
/// A secret just issued by create or rotate. It crosses the redirect in TempData (an encrypted,
/// read-once cookie), so the secret page can show it exactly once: reading removes it, and a
/// reload finds nothing. The portal keeps no other copy.
/// </summary>
public sealed record IssuedSecret(string ClientId, string Name, string Secret, bool Rotated)
{
    private const string Key = "IssuedSecret";

    public void Store(ITempDataDictionary tempData) => tempData[Key] = JsonSerializer.Serialize(this);

    public static IssuedSecret? Take(ITempDataDictionary tempData) =>
        tempData[Key] is string json ? JsonSerializer.Deserialize<IssuedSecret>(json) : null;
}
