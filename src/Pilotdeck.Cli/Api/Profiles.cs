using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pilotdeck.Cli.Api;

/// <summary>
/// One saved login. A user login keeps the latest refresh token (rotated on every use) and a cached
/// access token, never the password; an API client login keeps the client id and secret, because
/// scripts have nothing else to sign in with.
/// </summary>
public sealed class Profile
{
    public string Server { get; set; } = "";

    /// <summary>"user" or "client".</summary>
    public string Kind { get; set; } = "";

    public string? TenantId { get; set; }

    public string? Email { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? RefreshToken { get; set; }

    public string? AccessToken { get; set; }

    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    public const string UserKind = "user";
    public const string ClientKind = "client";
}

/// <summary>The profiles file: <c>profiles.json</c> in the config directory, readable by its owner only.</summary>
public sealed class ProfileStore
{
    public const string FileName = "profiles.json";
    public const string DefaultProfile = "default";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public ProfileStore(string directory) => Directory = directory;

    public string Directory { get; }

    public string Path => System.IO.Path.Combine(Directory, FileName);

    public Profile? Get(string name) => Read().TryGetValue(name, out var profile) ? profile : null;

    public void Save(string name, Profile profile)
    {
        var all = Read();
        all[name] = profile;
        Write(all);
    }

    public bool Remove(string name)
    {
        var all = Read();
        if (!all.Remove(name))
        {
            return false;
        }

        Write(all);
        return true;
    }

    private SortedDictionary<string, Profile> Read()
    {
        if (!File.Exists(Path))
        {
            return new SortedDictionary<string, Profile>(StringComparer.Ordinal);
        }

        try
        {
            var file = JsonSerializer.Deserialize<ProfilesFile>(File.ReadAllText(Path), Json);
            return new SortedDictionary<string, Profile>(file?.Profiles ?? [], StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"{Path} is not a valid profiles file ({ex.Message}).", $"Fix or delete it, then run `pilotdeck login` again.");
        }
    }

    private void Write(SortedDictionary<string, Profile> profiles) =>
        ConfigFiles.WriteOwnerOnly(Directory, Path, stream => JsonSerializer.Serialize(stream, new ProfilesFile { Profiles = new Dictionary<string, Profile>(profiles) }, Json));

    private sealed class ProfilesFile
    {
        public Dictionary<string, Profile> Profiles { get; set; } = [];
    }
}
