using System.Net;
using System.Text.Json;
using Pilotdeck.Cli.Api;
using Pilotdeck.Client;

namespace Pilotdeck.Cli.Login;

/// <summary>
/// <c>pilotdeck login</c> without credentials: the device authorization grant (RFC 8628). The CLI
/// prints where to approve the sign-in and the code to enter, then polls the token endpoint. It
/// never opens a browser itself, so it works the same over SSH and on headless machines.
/// </summary>
internal static class DeviceLogin
{
    /// <summary>The public client the server registers for the CLI (no secret).</summary>
    public const string ClientId = "pilotdeck-cli";

    private const string DevicePath = "/oauth2/device";
    private const string TokenPath = "/oauth2/token";
    private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public static async Task<PilotdeckCredentials> RunAsync(Uri server, TextWriter prompt, CancellationToken cancellationToken)
    {
        // The token endpoints share the gRPC port, which speaks HTTP/2 only (h2c on http://).
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var (status, device) = await PostAsync(http, new Uri(server, DevicePath), [new("client_id", ClientId), new("scope", "offline_access")], cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw Failed(device, "the server refused to start a device sign-in");
        }

        var deviceCode = device.GetProperty("device_code").GetString()!;
        var interval = TimeSpan.FromSeconds(device.TryGetProperty("interval", out var i) ? i.GetInt32() : 5);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(device.GetProperty("expires_in").GetInt32());
        prompt.WriteLine($"To sign in, open {device.GetProperty("verification_uri").GetString()} and enter the code {device.GetProperty("user_code").GetString()}");
        if (device.TryGetProperty("verification_uri_complete", out var complete))
        {
            prompt.WriteLine($"(or open {complete.GetString()} on a device where you are signed in to the portal)");
        }

        prompt.WriteLine("Waiting for approval...");
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(interval, cancellationToken);
            var (tokenStatus, answer) = await PostAsync(http, new Uri(server, TokenPath),
                [new("grant_type", DeviceCodeGrant), new("device_code", deviceCode), new("client_id", ClientId)], cancellationToken);
            if (tokenStatus == HttpStatusCode.OK)
            {
                return PilotdeckCredentials.Tokens(answer.GetProperty("access_token").GetString()!, answer.GetProperty("refresh_token").GetString(),
                    DateTimeOffset.UtcNow.AddSeconds(answer.GetProperty("expires_in").GetInt32()), ClientId);
            }

            switch (ErrorOf(answer))
            {
                case "authorization_pending":
                    continue;
                case "slow_down":
                    // RFC 8628 §3.5: wait 5 seconds longer from now on.
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                default:
                    throw Failed(answer, "the device sign-in was not approved");
            }
        }

        throw new CliException(ExitCodes.For(Grpc.Core.StatusCode.Unauthenticated), "the device sign-in expired before it was approved.", "Run `pilotdeck login` again and approve the code sooner.");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, Uri address, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(address, new FormUrlEncodedContent(form), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static string? ErrorOf(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) ? error.GetString() : null;

    private static CliException Failed(JsonElement body, string what)
    {
        var description = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error_description", out var d) ? $": {d.GetString()}" : "";
        return new CliException(ExitCodes.For(Grpc.Core.StatusCode.Unauthenticated), $"{what} ({ErrorOf(body) ?? "no error code"}){description}", "Run `pilotdeck login` again.");
    }
}
