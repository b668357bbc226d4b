using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

/// <summary>A member's role in the bound tenant and whether their account is disabled.</summary>
public sealed record UserAccessState(MemberRole Role, bool Disabled);

/// <summary>
/// The reads every authenticated call makes before its handler runs: is the calling API client
/// still active, and what is the calling user's role, in the tenant bound to this scope.
/// </summary>
/// <remarks>
/// These two run as plain ADO.NET SQL rather than as LINQ: on this hot path EF's per-query
/// pipeline costs several times the read itself (docs/adr/0007-principal-checks.md). The
/// SQL is built once per model from EF's own mapping, so table and column names, identifier
/// quoting and value conversions cannot drift from the model, and it states the tenant predicate
/// that EF's query filter would add. An unbound scope sees nothing, as with the filter. They need
/// no DbContext: they read committed rows through <see cref="RowLookups"/>, batched with the
/// checks of concurrent calls where the provider allows.
/// </remarks>
public sealed class PrincipalChecks(ITenantContext tenant, PrincipalChecks.Statements statements, RowLookups lookups, TimeProvider time)
{
    /// <summary>Whether the client exists in the bound tenant and is neither revoked nor expired.</summary>
    public async Task<bool> IsClientActiveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (tenant.TenantId is not { } tenantId)
        {
            return false;
        }

        // The expiry is compared here, at this call's time, so that the concurrent calls of one
        // client ask the database the same question and one read answers them all (RowLookups).
        var row = await lookups.FirstRowAsync(statements.ClientActive, [clientId, tenantId], cancellationToken);
        return row is not null && (statements.FromStoredTime(row[0]) is not { } expiresAt || expiresAt > time.GetUtcNow());
    }

    /// <summary>The user's role in the bound tenant and whether the account is disabled; null when not a member.</summary>
    public async Task<UserAccessState?> GetUserAccessStateAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (tenant.TenantId is not { } tenantId)
        {
            return null;
        }

        var row = await lookups.FirstRowAsync(statements.UserAccess, [userId, tenantId], cancellationToken);
        return row is null ? null : new UserAccessState(statements.ToRole(row[0]), Convert.ToBoolean(row[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The SQL of both checks and the conversions their values need, for one model (one provider).</summary>
    public sealed class Statements
    {
        private readonly ValueConverter? _storedTime;
        private readonly ValueConverter? _storedRole;

        /// <summary>The statements of the model of <paramref name="context"/>, which is only read.</summary>
        public static Statements For(DbContext context) => new(context.Model, context.GetService<ISqlGenerationHelper>());

        private Statements(IModel model, ISqlGenerationHelper sql)
        {
            var clients = Table<ApiClientRecord>(model, sql);
            var expiresAt = clients.Property(nameof(ApiClientRecord.ExpiresAt));
            _storedTime = expiresAt.Mapping.GetTypeMapping().Converter;
            ClientActive =
                $"SELECT {expiresAt.Column} FROM {clients.Name} WHERE {clients[nameof(ApiClientRecord.ClientId)]} = {Placeholder(sql, 0)}" +
                $" AND {clients[nameof(ApiClientRecord.TenantId)]} = {Placeholder(sql, 1)}" +
                $" AND {clients[nameof(ApiClientRecord.RevokedAt)]} IS NULL";

            var memberships = Table<Membership>(model, sql, "m");
            var users = Table<User>(model, sql, "u");
            _storedRole = memberships.Property(nameof(Membership.Role)).Mapping.GetTypeMapping().Converter;
            UserAccess =
                $"SELECT {memberships[nameof(Membership.Role)]}, {users[nameof(User.Disabled)]}" +
                $" FROM {memberships.Name} INNER JOIN {users.Name} ON {users[nameof(User.Id)]} = {memberships[nameof(Membership.UserId)]}" +
                $" WHERE {memberships[nameof(Membership.UserId)]} = {Placeholder(sql, 0)} AND {memberships[nameof(Membership.TenantId)]} = {Placeholder(sql, 1)}";
        }

        /// <summary>Parameters: client id, tenant id. Column: expiry (stored form, null when the client never expires); no row when revoked or unknown.</summary>
        public string ClientActive { get; }

        /// <summary>Parameters: user id, tenant id. Columns: role (stored form), disabled.</summary>
        public string UserAccess { get; }

        /// <summary>A stored timestamp as read (SQLite: an integer; PostgreSQL: a UTC DateTime; SQL Server: as is), or null.</summary>
        public DateTimeOffset? FromStoredTime(object stored) => stored is DBNull or null ? null
            : (_storedTime?.ConvertFromProvider(stored) ?? stored) switch
            {
                DateTimeOffset value => value,
                DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
                var other => throw new InvalidCastException($"A stored time read as {other?.GetType().Name}."),
            };

        public MemberRole ToRole(object stored) => (MemberRole)(_storedRole?.ConvertFromProvider(stored) ?? stored);

        private static string Placeholder(ISqlGenerationHelper sql, int index) => sql.GenerateParameterNamePlaceholder(RowLookups.ParameterName(index));

        private static MappedTable Table<T>(IModel model, ISqlGenerationHelper sql, string? alias = null)
        {
            var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            return new MappedTable(entity, table, sql, alias);
        }
    }

    private sealed record MappedColumn(IProperty Mapping, string Column);

    /// <summary>A mapped table with its quoted name and its columns by property, qualified by the alias when there is one.</summary>
    private sealed class MappedTable(IEntityType entity, StoreObjectIdentifier table, ISqlGenerationHelper sql, string? alias)
    {
        public string Name { get; } = sql.DelimitIdentifier(table.Name, table.Schema) + (alias is null ? "" : " " + alias);

        public string this[string property] => Property(property).Column;

        public MappedColumn Property(string name)
        {
            var property = entity.FindProperty(name) ?? throw new InvalidOperationException($"{entity.DisplayName()}.{name} is not mapped.");
            var column = sql.DelimitIdentifier(property.GetColumnName(table)!);
            return new MappedColumn(property, alias is null ? column : $"{alias}.{column}");
        }
    }
}
