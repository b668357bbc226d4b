using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Pilotdeck.Data.Identity;

/// <summary>A member's role in the bound tenant and whether their account is disabled.</summary>
public sealed record UserAccessState(TenantRole Role, bool Disabled);

/// <summary>
/// The reads every authenticated call makes before its handler runs: is the calling API client
/// still active, and what is the calling user's role, in the tenant bound to this scope.
/// </summary>
/// <remarks>
/// These two run as plain ADO.NET SQL rather than as LINQ: on this hot path EF's per-query
/// pipeline costs several times the read itself (docs/adr/0007-principal-checks.md). The
/// SQL is built once per model from EF's own mapping, so table and column names, identifier
/// quoting and value conversions cannot drift from the model, and it states the tenant predicate
/// that EF's query filter would add. An unbound scope sees nothing, as with the filter.
/// </remarks>
public sealed class PrincipalChecks(PilotdeckDbContext db, DbDataSource dataSource, TimeProvider time)
{
    private static readonly ConditionalWeakTable<IModel, Statements> StatementsByModel = new();

    /// <summary>Whether the client exists in the bound tenant and is neither revoked nor expired.</summary>
    public async Task<bool> IsClientActiveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var statements = StatementsFor(db);
        if (db.Tenant.TenantId is not { } tenantId)
        {
            return false;
        }

        var now = statements.ToStoredTime(time.GetUtcNow());
        var found = await ExecuteAsync(statements.ClientActive, [clientId, tenantId, now], async command => await command.ExecuteScalarAsync(cancellationToken), cancellationToken);
        return found is not null and not DBNull;
    }

    /// <summary>The user's role in the bound tenant and whether the account is disabled; null when not a member.</summary>
    public async Task<UserAccessState?> GetUserAccessStateAsync(string userId, CancellationToken cancellationToken = default)
    {
        var statements = StatementsFor(db);
        if (db.Tenant.TenantId is not { } tenantId)
        {
            return null;
        }

        return await ExecuteAsync(statements.UserAccess, [userId, tenantId], async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            return new UserAccessState(statements.ToRole(reader.GetValue(0)), reader.GetBoolean(1));
        }, cancellationToken);
    }

    private async Task<T> ExecuteAsync<T>(string sql, object[] parameters, Func<DbCommand, Task<T>> read, CancellationToken cancellationToken)
    {
        // Inside the scope's transaction when it has one, so the check sees the scope's own
        // writes. Otherwise on a plain pooled connection: without a transaction the context's
        // connection sees the same committed rows, and opening it would redo EF's per-connection
        // setup (on SQLite, registering its SQL functions) on every call.
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var ownConnection = transaction is null ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        try
        {
            await using var command = (ownConnection ?? transaction!.Connection!).CreateCommand();
            command.CommandText = sql;
            command.Transaction = transaction;
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = Statements.ParameterName(i);
                parameter.Value = parameters[i];
                command.Parameters.Add(parameter);
            }

            return await read(command);
        }
        finally
        {
            if (ownConnection is not null)
            {
                await ownConnection.DisposeAsync();
            }
        }
    }

    private static Statements StatementsFor(PilotdeckDbContext db) =>
        StatementsByModel.GetValue(db.Model, _ => new Statements(db.Model, db.GetService<ISqlGenerationHelper>()));

    /// <summary>The SQL of both checks and the conversions their values need, for one model (one provider).</summary>
    private sealed class Statements
    {
        private readonly ValueConverter? _storedTime;
        private readonly ValueConverter? _storedRole;

        public Statements(IModel model, ISqlGenerationHelper sql)
        {
            var clients = Table<ApiClient>(model, sql);
            var expiresAt = clients.Property(nameof(ApiClient.ExpiresAt));
            _storedTime = expiresAt.Mapping.GetTypeMapping().Converter;
            ClientActive =
                $"SELECT 1 FROM {clients.Name} WHERE {clients[nameof(ApiClient.ClientId)]} = {Placeholder(sql, 0)}" +
                $" AND {clients[nameof(ApiClient.TenantId)]} = {Placeholder(sql, 1)}" +
                $" AND {clients[nameof(ApiClient.RevokedAt)]} IS NULL" +
                $" AND ({expiresAt.Column} IS NULL OR {expiresAt.Column} > {Placeholder(sql, 2)})";

            var memberships = Table<Membership>(model, sql, "m");
            var users = Table<User>(model, sql, "u");
            _storedRole = memberships.Property(nameof(Membership.Role)).Mapping.GetTypeMapping().Converter;
            UserAccess =
                $"SELECT {memberships[nameof(Membership.Role)]}, {users[nameof(User.Disabled)]}" +
                $" FROM {memberships.Name} INNER JOIN {users.Name} ON {users[nameof(User.Id)]} = {memberships[nameof(Membership.UserId)]}" +
                $" WHERE {memberships[nameof(Membership.UserId)]} = {Placeholder(sql, 0)} AND {memberships[nameof(Membership.TenantId)]} = {Placeholder(sql, 1)}";
        }

        /// <summary>Parameters: client id, tenant id, now (stored form).</summary>
        public string ClientActive { get; }

        /// <summary>Parameters: user id, tenant id. Columns: role (stored form), disabled.</summary>
        public string UserAccess { get; }

        public static string ParameterName(int index) => "p" + index;

        public object ToStoredTime(DateTimeOffset value) => _storedTime?.ConvertToProvider(value) ?? value;

        public TenantRole ToRole(object stored) => (TenantRole)(_storedRole?.ConvertFromProvider(stored) ?? stored);

        private static string Placeholder(ISqlGenerationHelper sql, int index) => sql.GenerateParameterNamePlaceholder(ParameterName(index));

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
