using OpenIddict.Abstractions;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Hosting;

namespace Pilotdeck.Portal.Tests.Hosting;

/// <summary>
/// The real Pilotdeck server on loopback plus the portal, driven by Debian's chromium through
/// Playwright. When the server hosts the portal itself (its second endpoint answers HTTP/1.1),
/// that endpoint is used; until then the portal runs in a host of its own that reaches the
/// server over the network exactly as it would in-process: only through the SDK.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string Password = "Correct-Horse-Battery-9";

    /// <summary>Low so the lockout test needs few attempts; only <see cref="LockoutEmail"/> is ever locked.</summary>
    public const int MaxFailedAccessAttempts = 3;

    /// <summary>Short so the refresh test sees the SDK renew tokens (it renews at half-life) within seconds.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(16);

    public const string AdminEmail = "admin@portal.test";
    public const string WrongPasswordEmail = "typo@portal.test";
    public const string LockoutEmail = "locked@portal.test";
    public const string ViewerEmail = "viewer@portal.test";
    public const string TwoTenantEmail = "two-tenants@portal.test";
    public const string OperatorEmail = "operator@portal.test";
    public const string OtherTenantId = "acme";
    public const string OtherTenantName = "Acme Corp";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "pilotdeck-portal-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _server;
    private WebApplication? _portalHost;
    private IPlaywright? _playwright;

    public Uri ApiAddress { get; private set; } = null!;

    public Uri PortalAddress { get; private set; } = null!;

    /// <summary>True when the server's own second endpoint serves the portal (the production wiring).</summary>
    public bool HostedByServer { get; private set; }

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider ServerServices => _server!.Services;

    public static string ArtifactsDirectory => Path.Combine(AppContext.BaseDirectory, "artifacts");

    public async Task InitializeAsync()
    {
        _server = await PilotdeckHost.BuildAsync(
        [
            "--Pilotdeck:GrpcUrl=http://127.0.0.1:0",
            "--Pilotdeck:PortalUrl=http://127.0.0.1:0",
            "--Pilotdeck:RestUrl=http://127.0.0.1:0",
            $"--Pilotdeck:Database:DataDirectory={_dataDirectory}",
            "--Pilotdeck:SeedDemo=true",
            $"--Pilotdeck:Accounts:MaxFailedAccessAttempts={MaxFailedAccessAttempts}",
            $"--Pilotdeck:Tokens:AccessTokenLifetime={AccessTokenLifetime}",
            "--Serilog:MinimumLevel=Warning",
            // The job runs page's tests wait for real jobs; poll in fractions of a second, not 1 or 15 s.
            "--Pilotdeck:Jobs:PollInterval=00:00:00.200",
            "--Pilotdeck:Jobs:QueuePollInterval=00:00:00.200",
            // An import of more than 64 KiB runs as a job (the default is 2 MiB), so a test can follow one.
            "--Pilotdeck:Imports:JobThresholdBytes=65536",
        ]);
        await _server.StartAsync();
        var addresses = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();

        var portal = await FindPortalEndpointAsync(addresses);
        HostedByServer = portal is not null;
        ApiAddress = addresses.First(a => a != portal);
        PortalAddress = portal ?? await StartSeparatePortalAsync(ApiAddress);

        await SeedAsync();

        // Generous: CI runs every test assembly at once on two cores.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // Debian's chromium: the test command must work on a machine that cannot download browsers.
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(ArtifactsDirectory);
        await File.WriteAllTextAsync(Path.Combine(ArtifactsDirectory, "hosting.txt"),
            $"portal {(HostedByServer ? "hosted by the server" : "hosted separately")} at {PortalAddress}; API at {ApiAddress}\n");
    }

    /// <summary>A fresh browser context (no cookies) with the portal as base URL.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = PortalAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the form and waits for the dashboard.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = Password, string? tenant = null)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        if (tenant is not null)
        {
            await page.GetByLabel("Tenant ID (optional)").FillAsync(tenant);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// Follows a list's "Next page" link and waits until the next page's document is parsed; false
    /// when there is none. It waits for the address to change, not for an element (the page before
    /// has the same ones), and asks the document itself: <c>WaitForURLAsync</c>, which then waits for
    /// Playwright's record of the load event, once timed out after 15 s in CI with the page loaded.
    /// </summary>
    public static async Task<bool> NextPageAsync(IPage page)
    {
        var next = page.GetByRole(AriaRole.Link, new() { Name = "Next page" });
        if (await next.CountAsync() == 0)
        {
            return false;
        }

        var before = page.Url;
        await next.ClickAsync();
        await page.WaitForFunctionAsync("before => location.href !== before && document.readyState !== 'loading'", before);
        return true;
    }

    /// <summary>The server's second endpoint is the portal if it answers a plain HTTP/1.1 GET of /signin.</summary>
    private static async Task<Uri?> FindPortalEndpointAsync(IReadOnlyList<Uri> addresses)
    {
        if (addresses.Count < 2)
        {
            return null;
        }

        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11, Timeout = TimeSpan.FromSeconds(5) };
        // The portal's endpoint is configured last; the API's HTTP/1.1 endpoint before it also answers HTTP/1.1.
        foreach (var address in addresses.Reverse())
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/signin"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return address;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The h2c-only gRPC endpoint drops HTTP/1.1 requests; that is how it tells itself apart.
            }
        }

        return null;
    }

    /// <summary>The portal in its own host, wired exactly as the server is told to wire it.</summary>
    private async Task<Uri> StartSeparatePortalAsync(Uri api)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [PortalOptions.ApiUrlKey] = api.ToString() });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(_dataDirectory, "portal-keys")));
        builder.Services.AddPilotdeckPortal(builder.Configuration);
        _portalHost = builder.Build();
        _portalHost.MapPilotdeckPortal();
        await _portalHost.StartAsync();
        return new Uri(_portalHost.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>
    /// The server-side sign-ins (OpenIddict refresh-token chains, one per authorization) of a demo-tenant user, by chain, and whether
    /// each has been ended: what a browser's sign-out must change at the API.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, bool>> SignInsOfAsync(string email)
    {
        await using var demo = ServerServices.CreateTenantScope(DemoSeeder.TenantId);
        var user = await demo.ServiceProvider.GetRequiredService<UserAccounts>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No user {email}.");
        var manager = demo.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var tokens = new List<(string Chain, bool Ended)>();
        await foreach (var token in manager.FindBySubjectAsync(user.Id))
        {
            if (await manager.GetTypeAsync(token) is not (OpenIddictConstants.TokenTypeIdentifiers.RefreshToken or OpenIddictConstants.TokenTypeHints.RefreshToken))
            {
                continue;
            }

            // A chain lives while one of its refresh tokens is still valid (neither redeemed nor revoked).
            tokens.Add((await manager.GetAuthorizationIdAsync(token) ?? "", !await manager.HasStatusAsync(token, OpenIddictConstants.Statuses.Valid)));
        }

        return tokens.GroupBy(t => t.Chain).ToDictionary(chain => chain.Key, chain => chain.All(t => t.Ended));
    }

    /// <summary>
    /// Users for the tests, each with its own purpose so no test's failed sign-ins lock another's
    /// account. Only <see cref="TwoTenantEmail"/> belongs to a second tenant, because a sign-in without
    /// a tenant picks the account's first membership and the other tests expect the demo tenant.
    /// </summary>
    private async Task SeedAsync()
    {
        await using (var scope = ServerServices.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            db.Tenants.Add(new Tenant { Id = OtherTenantId, Name = OtherTenantName, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        string twoTenantId;
        await using (var demo = ServerServices.CreateTenantScope(DemoSeeder.TenantId))
        {
            var users = demo.ServiceProvider.GetRequiredService<UserAccounts>();
            var created = new Dictionary<string, string>();
            foreach (var (email, role) in new[]
            {
                (AdminEmail, MemberRole.Owner), (WrongPasswordEmail, MemberRole.Viewer), (LockoutEmail, MemberRole.Viewer),
                (ViewerEmail, MemberRole.Viewer), (TwoTenantEmail, MemberRole.Facilitator), (OperatorEmail, MemberRole.Admin),
            })
            {
                var user = await users.CreateAsync(email, Password);
                await users.SetMembershipAsync(user.Id, role);
                created[email] = user.Id;
            }

            twoTenantId = created[TwoTenantEmail];
            var operatorId = created[OperatorEmail];
            await demo.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Users.Where(u => u.Id == operatorId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.InstallationOperator, true));
        }

        await using (var acme = ServerServices.CreateTenantScope(OtherTenantId))
        {
            await acme.ServiceProvider.GetRequiredService<UserAccounts>().SetMembershipAsync(twoTenantId, MemberRole.Admin);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_portalHost is not null)
        {
            await _portalHost.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            // The server's JSON log explains any "Exception was thrown by handler." a page showed.
            var logs = Path.Combine(_dataDirectory, "logs");
            foreach (var log in Directory.Exists(logs) ? Directory.GetFiles(logs) : [])
            {
                File.Copy(log, Path.Combine(ArtifactsDirectory, "server-" + Path.GetFileName(log)), overwrite: true);
            }

            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on shutdown; the temp dir is harmless.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}
