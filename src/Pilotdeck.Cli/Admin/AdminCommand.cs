using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Output;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Contracts.Identity.V1;

namespace Pilotdeck.Cli.Admin;

/// <summary>
/// <c>pilotdeck admin members|clients …</c>: the tenant's members and API clients, over the API as
/// the selected profile. Creates carry a fresh request id, so the SDK may retry them safely.
/// </summary>
public static class AdminCommand
{
    public static Command Create(ApiContext api, CliEnvironment environment)
    {
        var admin = new Command("admin", "Administer the profile's tenant (members, API clients: needs the admin role or the identity.admin scope) and, directly on the database, tenants.");
        admin.Subcommands.Add(Members(api));
        admin.Subcommands.Add(Clients(api));
        admin.Subcommands.Add(TenantsCommand.Create(environment));
        return admin;
    }

    private static readonly Column<Member>[] MemberColumns =
    [
        new("user_id", m => m.UserId),
        new("email", m => m.Email),
        new("role", m => Roles.Name(m.Role)),
        new("disabled", m => m.Disabled),
        new("create_time", m => Time(m.CreateTime)),
    ];

    private static readonly Column<ApiClient>[] ClientColumns =
    [
        new("client_id", c => c.ClientId),
        new("name", c => c.Name),
        new("scopes", c => c.Scopes.ToList()),
        new("create_time", c => Time(c.CreateTime)),
        new("expire_time", c => Time(c.ExpireTime)),
        new("revoke_time", c => Time(c.RevokeTime)),
    ];

    private static readonly Column<(ApiClient Client, string Secret)>[] IssuedColumns =
    [
        .. ClientColumns.Select(c => new Column<(ApiClient Client, string Secret)>(c.Name, issued => c.Value(issued.Client))),
        new("client_secret", issued => issued.Secret),
    ];

    private static DateTimeOffset? Time(Timestamp? timestamp) => timestamp?.ToDateTimeOffset();

    private static Command Members(ApiContext api)
    {
        var members = new Command("members", "List, add, change and remove the tenant's members.");

        var roleFilter = RoleOption("Only members with this role.", required: false);
        var listOutput = Renderer.CreateOption();
        var list = new Command("list", "List the tenant's members, ordered by email.") { roleFilter, listOutput };
        list.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var role = parse.GetValue(roleFilter) is { } r ? Roles.Parse(r) : default;
            var all = await Paging.CollectAllAsync(async (size, pageToken) =>
            {
                var page = await client.Identity.ListMembersAsync(new ListMembersRequest { PageSize = size, PageToken = pageToken, Role = role }, cancellationToken: token);
                return (page.Members.AsEnumerable(), page.NextPageToken);
            });

            Renderer.List(output, Renderer.FormatOf(parse, listOutput), all, MemberColumns, "No members.");
            return ExitCodes.Ok;
        }, ct));

        var email = new Argument<string>("email") { Description = "The person's email; a new account is created when there is none." };
        var addRole = RoleOption("Their role in the tenant.", required: true);
        var initialPassword = new Option<string?>("--initial-password") { Description = "Password for a new account (ignored when the account exists); it must satisfy the password rules." };
        var addOutput = Renderer.CreateOption();
        var addApproval = ApprovalHeader.CreateOption();
        var add = new Command("add", "Add a person to the tenant with a role.") { email, addRole, initialPassword, addApproval, addOutput };
        add.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var response = await client.Identity.CreateMemberAsync(new CreateMemberRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Email = parse.GetValue(email)!,
                Role = Roles.Parse(parse.GetValue(addRole)!),
                InitialPassword = parse.GetValue(initialPassword) ?? "",
            }, ApprovalHeader.Of(parse, addApproval), cancellationToken: token);
            Renderer.Record(output, Renderer.FormatOf(parse, addOutput), response.Member, MemberColumns);
            return ExitCodes.Ok;
        }, ct));

        var setRoleMember = MemberArgument();
        var newRole = RoleOption("The new role.", required: true);
        var setRoleOutput = Renderer.CreateOption();
        var setRoleApproval = ApprovalHeader.CreateOption();
        var setRole = new Command("set-role", "Change a member's role.") { setRoleMember, newRole, setRoleApproval, setRoleOutput };
        setRole.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var userId = await ResolveMemberAsync(client, parse.GetValue(setRoleMember)!, token);
            var response = await client.Identity.UpdateMemberAsync(new UpdateMemberRequest
            {
                Member = new Member { UserId = userId, Role = Roles.Parse(parse.GetValue(newRole)!) },
                UpdateMask = new FieldMask { Paths = { "role" } },
            }, ApprovalHeader.Of(parse, setRoleApproval), cancellationToken: token);
            Renderer.Record(output, Renderer.FormatOf(parse, setRoleOutput), response.Member, MemberColumns);
            return ExitCodes.Ok;
        }, ct));

        var removeMember = MemberArgument();
        var removeApproval = ApprovalHeader.CreateOption();
        var remove = new Command("remove", "Remove a member from the tenant; the account itself stays.") { removeMember, removeApproval };
        remove.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var target = parse.GetValue(removeMember)!;
            await client.Identity.DeleteMemberAsync(new DeleteMemberRequest { UserId = await ResolveMemberAsync(client, target, token) }, ApprovalHeader.Of(parse, removeApproval), cancellationToken: token);
            output.WriteLine($"Removed {target} from the tenant.");
            return ExitCodes.Ok;
        }, ct));

        members.Subcommands.Add(list);
        members.Subcommands.Add(add);
        members.Subcommands.Add(setRole);
        members.Subcommands.Add(remove);
        return members;
    }

    private static Command Clients(ApiContext api)
    {
        var clients = new Command("clients", "List, create, rotate and revoke the tenant's API clients.");

        var showRevoked = new Option<bool>("--show-revoked") { Description = "Include revoked clients." };
        var listOutput = Renderer.CreateOption();
        var list = new Command("list", "List the tenant's API clients, ordered by name.") { showRevoked, listOutput };
        list.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var revoked = parse.GetValue(showRevoked);
            var all = await Paging.CollectAllAsync(async (size, pageToken) =>
            {
                var page = await client.Identity.ListApiClientsAsync(new ListApiClientsRequest { PageSize = size, PageToken = pageToken, ShowRevoked = revoked }, cancellationToken: token);
                return (page.ApiClients.AsEnumerable(), page.NextPageToken);
            });

            Renderer.List(output, Renderer.FormatOf(parse, listOutput), all, ClientColumns, "No API clients.");
            return ExitCodes.Ok;
        }, ct));

        var name = new Argument<string>("name") { Description = "A name that says what uses the client, e.g. 'crm-sync'." };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope the client's tokens may carry, e.g. identity.read (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var lifetime = new Option<int>("--lifetime-days") { Description = "Days until the client expires; 0 (default) never." };
        var createOutput = Renderer.CreateOption();
        var createApproval = ApprovalHeader.CreateOption();
        var create = new Command("create", "Create an API client and print its secret, once.") { name, scopes, lifetime, createApproval, createOutput };
        create.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var request = new CreateApiClientRequest { RequestId = Guid.NewGuid().ToString(), Name = parse.GetValue(name)!, LifetimeDays = parse.GetValue(lifetime) };
            request.Scopes.AddRange(parse.GetValue(scopes) ?? []);
            var response = await client.Identity.CreateApiClientAsync(request, ApprovalHeader.Of(parse, createApproval), cancellationToken: token);
            Renderer.Record(output, Renderer.FormatOf(parse, createOutput), (response.ApiClient, response.ClientSecret), IssuedColumns);
            WarnSecretShownOnce(parse, response.ApiClient.ClientId);
            return ExitCodes.Ok;
        }, ct));

        var rotateId = ClientArgument();
        var rotateOutput = Renderer.CreateOption();
        var rotate = new Command("rotate", "Issue a new secret for an API client and print it, once; the old secret stops working at once.") { rotateId, rotateOutput };
        rotate.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var response = await client.Identity.RotateApiClientSecretAsync(new RotateApiClientSecretRequest { ClientId = parse.GetValue(rotateId)! }, cancellationToken: token);
            Renderer.Record(output, Renderer.FormatOf(parse, rotateOutput), (response.ApiClient, response.ClientSecret), IssuedColumns);
            WarnSecretShownOnce(parse, response.ApiClient.ClientId);
            return ExitCodes.Ok;
        }, ct));

        var revokeId = ClientArgument();
        var revokeOutput = Renderer.CreateOption();
        var revoke = new Command("revoke", "Revoke an API client: its tokens stop being accepted at once.") { revokeId, revokeOutput };
        revoke.SetAction((parse, ct) => api.RunWithProfileAsync(parse, async (client, _, output, token) =>
        {
            var response = await client.Identity.RevokeApiClientAsync(new RevokeApiClientRequest { ClientId = parse.GetValue(revokeId)! }, cancellationToken: token);
            Renderer.Record(output, Renderer.FormatOf(parse, revokeOutput), response.ApiClient, ClientColumns);
            return ExitCodes.Ok;
        }, ct));

        clients.Subcommands.Add(list);
        clients.Subcommands.Add(create);
        clients.Subcommands.Add(rotate);
        clients.Subcommands.Add(revoke);
        return clients;
    }

    /// <summary>On stderr, so that stdout stays clean for `--output json | jq`.</summary>
    private static void WarnSecretShownOnce(ParseResult parse, string clientId) =>
        parse.InvocationConfiguration.Error.WriteLine(
            $"warning: the client secret is shown only this once. Store it in a secret manager now; if it is lost, issue a new one with `pilotdeck admin clients rotate {clientId}`.");

    private static Option<string?> RoleOption(string description, bool required)
    {
        var option = new Option<string?>("--role") { Description = description + " One of: " + string.Join(", ", Roles.Names) + ".", Required = required };
        option.AcceptOnlyFromAmong(Roles.Names);
        return option;
    }

    private static Argument<string> MemberArgument() => new("member") { Description = "The member's user id or email." };

    private static Argument<string> ClientArgument() => new("client-id") { Description = "The API client's id (see `pilotdeck admin clients list`)." };

    /// <summary>Members are addressed by user id in the API; people think in emails, so an email is looked up first.</summary>
    /// <summary>A member as typed: an email is looked up (any case) and becomes the member's user id; anything else is taken as an id.</summary>
    internal static async Task<string> ResolveMemberAsync(Pilotdeck.Client.PilotdeckClient client, string member, CancellationToken cancellationToken)
    {
        if (!member.Contains('@', StringComparison.Ordinal))
        {
            return member;
        }

        var request = new ListMembersRequest { PageSize = 200 };
        do
        {
            var page = await client.Identity.ListMembersAsync(request, cancellationToken: cancellationToken);
            if (page.Members.FirstOrDefault(m => string.Equals(m.Email, member, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                return found.UserId;
            }

            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        throw new CliException(ExitCodes.For(Grpc.Core.StatusCode.NotFound), $"no member with email '{member}' in this tenant.", ErrorAdvice.ByReason[ErrorReason.MemberNotFound]);
    }
}
