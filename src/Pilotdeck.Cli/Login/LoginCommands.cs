using System.CommandLine;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Client;
using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Cli.Login;

/// <summary><c>pilotdeck login | logout | whoami</c>: saved logins (profiles) and who they sign in as.</summary>
public static class LoginCommands
{
    public static IEnumerable<Command> Create(ApiContext api) => [Login(api), Logout(api), WhoAmI(api)];

    private static Command Login(ApiContext api)
    {
        var clientId = new Option<string?>("--client-id") { Description = "Log in as this API client (client credentials)." };
        var clientSecret = new Option<string?>("--client-secret")
        {
            Description = "The API client's secret. It is saved in the profile (mode 600), because scripts have no other way to sign in; prompted for when omitted on a terminal.",
        };
        var email = new Option<string?>("--email") { Description = "Log in as this user." };
        var password = new Option<string?>("--password")
        {
            Description = "The user's password; prompted for when omitted on a terminal. Never saved: the profile keeps a refresh token instead.",
        };
        var tenant = new Option<string?>("--tenant") { Description = "For users in several tenants: the tenant to act in. Default: the user's first tenant." };
        var output = Renderer.CreateOption();

        var command = new Command("login",
            "Sign in to a Pilotdeck server and save the login as a profile in $XDG_CONFIG_HOME/pilotdeck/profiles.json (default ~/.config/pilotdeck). " +
            "Without --email or --client-id: prints a URL and a code to approve in the portal, and waits (device sign-in).")
        {
            clientId, clientSecret, email, password, tenant, output,
        };
        command.Validators.Add(result =>
        {
            var asClient = result.GetResult(clientId) is not null;
            var asUser = result.GetResult(email) is not null;
            if (asClient && asUser)
            {
                result.AddError("Give either --email (a user) or --client-id (an API client), or neither to sign in with a code approved in the portal.");
            }
            else if (!asUser && (result.GetResult(password) is not null || result.GetResult(tenant) is not null))
            {
                result.AddError("--password and --tenant are for user logins (--email); with a device sign-in the tenant is picked in the portal.");
            }
            else if (!asClient && result.GetResult(clientSecret) is not null)
            {
                result.AddError("--client-secret is for API client logins (--client-id).");
            }
        });

        command.SetAction((parse, ct) => ApiContext.RunAsync(parse, async (writer, setServer) =>
        {
            var name = api.ProfileName(parse);
            var server = api.Server(parse, api.Profiles.Get(name)?.Server);
            setServer(server);
            Profile profile;
            PilotdeckCredentials credentials;
            if (parse.GetValue(clientId) is { } id)
            {
                var secret = parse.GetValue(clientSecret) ?? Prompt(api.Environment, "Client secret: ", "--client-secret");
                profile = new Profile { Server = server.ToString(), Kind = Profile.ClientKind, ClientId = id, ClientSecret = secret };
                credentials = PilotdeckCredentials.ClientCredentials(id, secret);
            }
            else if (parse.GetValue(email) is null)
            {
                profile = new Profile { Server = server.ToString(), Kind = Profile.UserKind, ClientId = DeviceLogin.ClientId };
                credentials = await DeviceLogin.RunAsync(server, parse.InvocationConfiguration.Error, ct);
            }
            else
            {
                var user = parse.GetValue(email)!;
                var secret = parse.GetValue(password) ?? Prompt(api.Environment, $"Password for {user}: ", "--password");
                profile = new Profile { Server = server.ToString(), Kind = Profile.UserKind, Email = user };
                credentials = PilotdeckCredentials.Password(user, secret, parse.GetValue(tenant));
            }

            using var client = PilotdeckClient.Create(new PilotdeckClientOptions { ServerUrl = server, Credentials = credentials });
            var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken: ct);
            var tokens = await client.GetTokensAsync(ct);
            profile.TenantId = caller.TenantId;
            profile.Email ??= caller.IsApiClient ? null : caller.Email;
            if (profile.Kind == Profile.UserKind)
            {
                profile.RefreshToken = tokens.RefreshToken;
                profile.AccessToken = tokens.AccessToken;
                profile.AccessTokenExpiresAt = tokens.ExpiresAt;
            }

            api.Profiles.Save(name, profile);
            parse.InvocationConfiguration.Error.WriteLine($"Logged in to {server} as {(caller.IsApiClient ? caller.Subject : caller.Email)} (tenant {caller.TenantId}); saved as profile '{name}' in {api.Profiles.Path}.");
            Renderer.Record(writer, Renderer.FormatOf(parse, output), caller, CallerColumns);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Logout(ApiContext api)
    {
        var command = new Command("logout",
            "Forget the saved login of the selected profile. For a user login, also end the sign-in at the server (its refresh token is revoked).");
        command.SetAction((parse, ct) =>
        {
            var name = api.ProfileName(parse);
            if (api.Profiles.Get(name) is null)
            {
                parse.InvocationConfiguration.Output.WriteLine($"Not logged in: there is no profile '{name}'.");
                return Task.FromResult(ExitCodes.Ok);
            }

            return api.RunWithProfileAsync(parse, async (client, profile, writer, token) =>
            {
                var ended = "";
                if (profile.Kind == Profile.UserKind)
                {
                    try
                    {
                        await client.SignOutAsync(token);
                        ended = " The sign-in is ended at the server.";
                    }
                    catch (Exception ex) when (ex is HttpRequestException or PilotdeckAuthException)
                    {
                        // Forgetting the login must not depend on reaching the server.
                        parse.InvocationConfiguration.Error.WriteLine($"warning: could not end the sign-in at the server ({ex.Message}); its refresh token stays valid until it expires.");
                    }
                }

                api.Profiles.Remove(name);
                writer.WriteLine($"Logged out: profile '{name}' removed from {api.Profiles.Path}.{ended}");
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }

    private static Command WhoAmI(ApiContext api)
    {
        var output = Renderer.CreateOption();
        var command = new Command("whoami", "Show who the selected profile signs in as: subject, tenant, role or scopes.") { output };
        command.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, writer, token) =>
        {
            var caller = await client.Identity.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken: token);
            Renderer.Record(writer, Renderer.FormatOf(parse, output), caller, CallerColumns);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static readonly Column<GetCallerIdentityResponse>[] CallerColumns =
    [
        new("subject", c => c.Subject),
        new("tenant_id", c => c.TenantId),
        new("kind", c => c.IsApiClient ? "api_client" : "user"),
        new("email", c => c.IsApiClient ? null : c.Email),
        new("role", c => c.IsApiClient ? null : Roles.Name(c.Role)),
        new("scopes", c => c.Scopes.ToList()),
    ];

    /// <summary>Asks on the terminal; without one there is nobody to ask, so the option is required.</summary>
    private static string Prompt(CliEnvironment environment, string prompt, string option)
    {
        if (!environment.IsInteractive)
        {
            throw new CliException(ExitCodes.Usage, $"{option} is required when stdin is not a terminal.", $"Pass {option}, or run the command in a terminal to be asked for it.");
        }

        var value = environment.ReadSecret(prompt);
        return string.IsNullOrEmpty(value) ? throw new CliException(ExitCodes.Usage, $"no value entered for {option}.") : value;
    }
}
