using System.CommandLine;
using Pilotdeck.Client;
using Grpc.Core;

namespace Pilotdeck.Cli.Api;

/// <summary>
/// What every API command shares: the global <c>--server</c> and <c>--profile</c> options, the
/// profile store, and one way to run a command body against the API: with the profile's
/// credentials, persisting rotated tokens, and turning every failure into a message, advice and
/// an exit code (<see cref="ErrorAdvice"/>).
/// </summary>
public sealed class ApiContext
{
    public const string DefaultServer = "http://127.0.0.1:5080";
    public const string ServerVariable = "PILOTDECK_SERVER";
    public const string ProfileVariable = "PILOTDECK_PROFILE";

    public ApiContext(CliEnvironment environment)
    {
        Environment = environment;
        Profiles = new ProfileStore(environment.ConfigDirectory);
    }

    public CliEnvironment Environment { get; }

    public ProfileStore Profiles { get; }

    /// <summary>Global: the API address. Overrides the profile's; default $PILOTDECK_SERVER, then the profile's, then http://127.0.0.1:5080.</summary>
    public Option<string?> ServerOption { get; } = new("--server")
    {
        Description = $"Pilotdeck API address (h2c http:// or https://). Default: ${ServerVariable}, else the profile's, else {DefaultServer}.",
        Recursive = true,
    };

    /// <summary>Global: which saved login to use. Default $PILOTDECK_PROFILE, else "default".</summary>
    public Option<string?> ProfileOption { get; } = new("--profile")
    {
        Description = $"Saved login to use (see `pilotdeck login`). Default: ${ProfileVariable}, else '{ProfileStore.DefaultProfile}'.",
        Recursive = true,
    };

    public string ProfileName(ParseResult parse) => parse.GetValue(ProfileOption) ?? Environment.Get(ProfileVariable) ?? ProfileStore.DefaultProfile;

    /// <summary>The server given on the command line or in the environment, else <paramref name="fallback"/>.</summary>
    public Uri Server(ParseResult parse, string? fallback)
    {
        var text = parse.GetValue(ServerOption) ?? Environment.Get(ServerVariable) ?? fallback ?? DefaultServer;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, $"--server '{text}' is not an http:// or https:// address.", $"Use e.g. --server {DefaultServer}.");
        }

        return uri;
    }

    /// <summary>Runs <paramref name="body"/> with a client signed in as the selected profile.</summary>
    public Task<int> RunWithProfileAsync(ParseResult parse, Func<PilotdeckClient, Profile, TextWriter, CancellationToken, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(parse, async (output, setServer) =>
        {
            var name = ProfileName(parse);
            var profile = Profiles.Get(name) ?? throw NotLoggedIn(name);
            var server = Server(parse, profile.Server);
            setServer(server);
            using var client = PilotdeckClient.Create(new PilotdeckClientOptions { ServerUrl = server, Credentials = CredentialsOf(profile, name) });
            if (profile.Kind == Profile.UserKind)
            {
                // Refresh tokens are single-use: save each new one at once, or the next command could not sign in.
                client.TokensRefreshed += tokens =>
                {
                    profile.AccessToken = tokens.AccessToken;
                    profile.AccessTokenExpiresAt = tokens.ExpiresAt;
                    profile.RefreshToken = tokens.RefreshToken ?? profile.RefreshToken;
                    Profiles.Save(name, profile);
                };
            }

            return await body(client, profile, output, cancellationToken);
        });

    /// <summary>Runs a command body, reporting API, CLI and file failures with advice and the matching exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Action<Uri>, Task<int>> body)
    {
        Uri? server = null;
        try
        {
            return await body(parse.InvocationConfiguration.Output, s => server = s);
        }
        catch (Exception ex) when (ex is RpcException or PilotdeckAuthException or HttpRequestException or CliException or IOException or UnauthorizedAccessException)
        {
            return ErrorAdvice.Report(parse.InvocationConfiguration.Error, ex, server);
        }
    }

    private CliException NotLoggedIn(string name) =>
        new(ExitCodes.For(StatusCode.Unauthenticated), $"not logged in: there is no profile '{name}' in {Profiles.Path}.",
            $"Run `pilotdeck login --server URL` (or --email, or --client-id/--client-secret){(name == ProfileStore.DefaultProfile ? "" : $" --profile {name}")} first.");

    private CliException Unusable(string name) =>
        new(ExitCodes.For(StatusCode.Unauthenticated), $"profile '{name}' in {Profiles.Path} holds no usable credentials.", "Run `pilotdeck login` again.");

    private PilotdeckCredentials CredentialsOf(Profile profile, string name) => profile.Kind switch
    {
        Profile.ClientKind when profile.ClientId is { Length: > 0 } id && profile.ClientSecret is { Length: > 0 } secret =>
            PilotdeckCredentials.ClientCredentials(id, secret),
        Profile.UserKind when !string.IsNullOrEmpty(profile.AccessToken) || !string.IsNullOrEmpty(profile.RefreshToken) =>
            PilotdeckCredentials.Tokens(profile.AccessToken ?? "", profile.RefreshToken, profile.AccessTokenExpiresAt, profile.ClientId),
        _ => throw Unusable(name),
    };
}
