using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Db;
using Pilotdeck.Cli.Output;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Cli.Admin;

/// <summary>
/// <c>pilotdeck admin tenants list|create</c>: tenants sit above any one tenant's API, so these run
/// directly against the database, like <c>db migrate</c>, by an operator of the deployment.
/// </summary>
public static class TenantsCommand
{
    private static readonly Column<Tenant>[] TenantColumns =
    [
        new("tenant_id", t => t.Id),
        new("name", t => t.Name),
        new("created", t => t.CreatedAt),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var target = new DatabaseTarget(environment);
        var listOutput = Renderer.CreateOption();
        var list = new Command("list", "List every tenant, ordered by id.") { listOutput };
        target.AddTo(list);
        list.SetAction((parse, ct) => ApiContext.RunAsync(parse, async (writer, _) =>
        {
            var tenants = await target.RunAsync(parse, async (services, _) =>
            {
                await using var scope = services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>().Tenants.AsNoTracking().OrderBy(t => t.Id).ToListAsync(ct);
            });
            Renderer.List(writer, Renderer.FormatOf(parse, listOutput), tenants, TenantColumns, "No tenants yet: create one with `pilotdeck admin tenants create`.");
            return ExitCodes.Ok;
        }));

        var id = new Option<string>("--id") { Description = "Tenant id: lower-case letters, digits and '-', used in tokens and logs.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name shown in the portal.", Required = true };
        var ownerEmail = new Option<string>("--owner-email") { Description = "The tenant's first owner; an account is created when the email is new.", Required = true };
        var createOutput = Renderer.CreateOption();
        var create = new Command("create", "Create a tenant with its first owner. A new owner account gets a generated password, printed once.") { id, name, ownerEmail, createOutput };
        target.AddTo(create);
        create.SetAction((parse, ct) => ApiContext.RunAsync(parse, async (writer, _) =>
        {
            var tenantId = parse.GetValue(id)!.Trim();
            if (tenantId.Length is 0 or > 64 || !tenantId.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                throw new CliException(ExitCodes.Usage, $"'{tenantId}' is not a valid tenant id.", "Use 1-64 lower-case letters, digits and '-'.");
            }

            var created = await target.RunAsync(parse, (services, _) =>
                CreateTenantAsync(services, tenantId, parse.GetValue(name)!.Trim(), parse.GetValue(ownerEmail)!.Trim(), ct));

            if (created.Password is not null)
            {
                parse.InvocationConfiguration.Error.WriteLine("The owner's password is shown only now; ask them to sign in and change it.");
            }

            Renderer.Record(writer, Renderer.FormatOf(parse, createOutput), created,
            [
                new("tenant_id", c => c.Tenant.Id),
                new("name", c => c.Tenant.Name),
                new("owner_email", c => c.Email),
                new("owner_password", c => c.Password ?? "(existing account)"),
            ]);
            return ExitCodes.Ok;
        }));

        var tenants = new Command("tenants", "List and create tenants, directly against the database (an operator's task; no server needed).");
        tenants.Subcommands.Add(list);
        tenants.Subcommands.Add(create);
        return tenants;
    }

    /// <summary>
    /// The tenant, its first owner (a new account when the email is new) and the tenant's first
    /// receipt, <c>tenants.create</c>, in one transaction: a failure leaves no tenant behind. The
    /// receipt's actor is the operator's OS account; its content names the tenant and its owner.
    /// </summary>
    private static async Task<(Tenant Tenant, string Email, string? Password)> CreateTenantAsync(
        IServiceProvider services, string tenantId, string name, string ownerEmail, CancellationToken ct)
    {
        await using var scope = services.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
        if (await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            throw new CliException(ExitCodes.For(Grpc.Core.StatusCode.AlreadyExists), $"tenant '{tenantId}' already exists.", "Pick another id, or add members to it with `pilotdeck admin members add`.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var tenant = new Tenant { Id = tenantId, Name = name, CreatedAt = DateTimeOffset.UtcNow };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(ct);

        var users = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        string? password = null;
        var owner = await users.FindByEmailAsync(ownerEmail, ct);
        if (owner is null)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
            owner = await users.CreateAsync(ownerEmail, password, ct);
        }

        await users.SetMembershipAsync(owner.Id, MemberRole.Owner, ct);
        var content = string.Create(CultureInfo.InvariantCulture, $"tenant {tenant.Id}\nname {tenant.Name}\nowner {owner.Id}\n");
        db.Receipts.Add(ReceiptRecord.Create(tenantId, "operator:" + Environment.UserName, "tenants.create", "tenants/" + tenantId,
            requestId: null, decisionId: null, tenant.CreatedAt, SHA256.HashData(Encoding.UTF8.GetBytes(content))));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (tenant, owner.Email, password);
    }
}
