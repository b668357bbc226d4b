using Microsoft.EntityFrameworkCore;
using Pilotdeck.Data;
using Pilotdeck.Data.Identity;
using Pilotdeck.Server.Features.Identity;
using Pilotdeck.Server.Features.Imports.Framework;
using Pilotdeck.Server.Platform.Auth;
using Pilotdeck.Server.Platform.Errors;

namespace Pilotdeck.Server.Features.Imports.Identities;

/// <summary>
/// Tenant members and their roles from a SCIM-export-style CSV (docs/imports.md, "identities").
/// The natural key is the member's email — <c>emails</c>, else <c>userName</c> — compared
/// case-insensitively. <c>active</c> false removes the tenant membership (the account stays).
/// givenName and familyName are checked but not stored: Pilotdeck keeps no names of members.
/// Changes go through <see cref="MemberChanges"/>, so they carry the same receipts as the API's.
/// </summary>
public sealed class IdentitiesImporter(PilotdeckDbContext db, UserAccounts users, MemberChanges members) : Importer<IdentityRow, ExistingIdentity>
{
    public const string DefaultRoleOption = "default_role";
    private const int MaxNameLength = 200;

    public override string Kind => "identities";

    public override string Description => "Tenant members and roles from a SCIM-style export (userName, emails, givenName, familyName, active, roles).";

    public override IReadOnlyList<ImportColumn> Columns { get; } =
    [
        new("userName", true, "The account's user name; used as the email when emails is empty.", "username", "user_name", "login"),
        new("emails", false, "The email address (the first when several are separated by ; , or |).", "email", "emails[primary].value", "mail"),
        new("givenName", false, "Checked (at most 200 characters) but not stored.", "name.givenName", "given_name", "first_name", "firstName"),
        new("familyName", false, "Checked (at most 200 characters) but not stored.", "name.familyName", "family_name", "last_name", "lastName"),
        new("active", false, "true/false/yes/no/1/0/y/n; empty means true. false removes the membership.", "enabled"),
        new("roles", false, "VIEWER, ANALYST, FACILITATOR, ADMIN or OWNER; several (| ; ,) give the highest. Empty: the default_role option, else VIEWER.", "role", "groups"),
    ];

    public override IReadOnlyList<string> OptionNames => [DefaultRoleOption];

    public override string KeyColumn => "userName";

    public override MemberRole MinimumRole => MemberRole.Admin;

    public override string ClientScope => "identity.admin";

    public override IEnumerable<FieldViolation> ValidateOptions(IReadOnlyDictionary<string, string> options)
    {
        foreach (var violation in base.ValidateOptions(options))
        {
            yield return violation;
        }

        if (options.TryGetValue(DefaultRoleOption, out var role) && ParseRole(role) is null)
        {
            yield return new FieldViolation($"options[{DefaultRoleOption}]", "must be one of VIEWER, ANALYST, FACILITATOR, ADMIN, OWNER");
        }
    }

    protected override RowParse<IdentityRow> Parse(SourceRow row, IReadOnlyDictionary<string, string> options)
    {
        var problems = new List<RowProblem>();
        var userName = row["userName"];
        var email = FirstOf(row["emails"]) ?? userName;
        if (userName is null)
        {
            problems.Add(new("userName", "is required"));
        }
        else if (email is null || !EmailAddresses.IsValid(email))
        {
            problems.Add(new(row["emails"] is null ? "userName" : "emails", "is not a valid email address"));
        }

        foreach (var column in new[] { "givenName", "familyName" })
        {
            if (row[column] is { Length: > MaxNameLength })
            {
                problems.Add(new(column, $"is longer than {MaxNameLength} characters"));
            }
        }

        var active = ParseBool(row["active"]);
        if (active is null)
        {
            problems.Add(new("active", "must be true/false, yes/no, 1/0 or y/n"));
        }

        var role = RoleOf(row["roles"] ?? options.GetValueOrDefault(DefaultRoleOption), problems);
        return problems.Count > 0
            ? RowParse<IdentityRow>.Rejected(problems)
            : RowParse<IdentityRow>.Valid(new IdentityRow(email!, active!.Value, role));
    }

    protected override string NaturalKey(IdentityRow candidate) => UserAccounts.NormalizeEmail(candidate.Email);

    protected override async Task<IReadOnlyDictionary<string, ExistingIdentity>> LoadExistingAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = await users.FindByNormalizedEmailsAsync(keys, cancellationToken);
        var ids = found.Values.Select(u => u.Id).ToList();
        var memberships = await db.Memberships.Where(m => ids.Contains(m.UserId)).ToDictionaryAsync(m => m.UserId, cancellationToken);
        return found.ToDictionary(f => f.Key, f => new ExistingIdentity(f.Value, memberships.GetValueOrDefault(f.Value.Id)));
    }

    protected override RowChange Classify(IdentityRow candidate, ExistingIdentity? existing)
    {
        var membership = existing?.Membership;
        var before = membership is null ? (existing is null ? "" : "account") : "member:" + membership.Role.ToApiName();
        if (!candidate.Active)
        {
            return new RowChange(membership is null ? RowOutcomeKind.Unchanged : RowOutcomeKind.Updated, before);
        }

        return membership is null ? new RowChange(RowOutcomeKind.Created, before)
            : new RowChange(membership.Role == candidate.Role ? RowOutcomeKind.Unchanged : RowOutcomeKind.Updated, before);
    }

    protected override async Task ApplyAsync(IReadOnlyList<PlannedChange<IdentityRow, ExistingIdentity>> changes, ImportRun run, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            var (row, existing) = (change.Candidate, change.Existing);
            if (existing?.Membership is { } membership)
            {
                if (row.Active)
                {
                    await members.SetRoleAsync(existing.User, row.Role, cancellationToken);
                }
                else
                {
                    members.Remove(existing.User, membership);
                }
            }
            else
            {
                await members.AddAsync(existing?.User, row.Email, row.Role, cancellationToken);
            }
        }
    }

    private static MemberRole RoleOf(string? value, List<RowProblem> problems)
    {
        if (value is null)
        {
            return MemberRole.Viewer;
        }

        var roles = new List<MemberRole>();
        foreach (var part in value.Split(['|', ';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ParseRole(part) is { } role)
            {
                roles.Add(role);
            }
            else
            {
                // The reason names the problem, not the value: reasons go into the signed manifest.
                problems.Add(new("roles", "names something that is not a role (VIEWER, ANALYST, FACILITATOR, ADMIN, OWNER)"));
            }
        }

        // MemberRole ranks Owner first: the smallest value is the highest role.
        return roles.Count == 0 ? MemberRole.Viewer : roles.Min();
    }

    private static MemberRole? ParseRole(string value) =>
        Enum.TryParse<MemberRole>(value.Trim(), ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(value, out _) ? role : null;

    private static bool? ParseBool(string? value) => value?.ToLowerInvariant() switch
    {
        null => true,
        "true" or "yes" or "1" or "y" => true,
        "false" or "no" or "0" or "n" => false,
        _ => null,
    };

    private static string? FirstOf(string? list) =>
        list?.Split([';', ',', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}

/// <summary>One valid row: the member's email, whether they should be a member, and their role.</summary>
public sealed record IdentityRow(string Email, bool Active, MemberRole Role);

/// <summary>The account of a row's email and, when it is one, its membership in this tenant.</summary>
public sealed record ExistingIdentity(User User, Membership? Membership);
