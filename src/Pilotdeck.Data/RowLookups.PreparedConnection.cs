using System.Data.Common;

namespace Pilotdeck.Data;

public sealed partial class RowLookups
{
    /// <summary>
    /// A lane's own connection with each statement prepared once, for providers without statement
    /// batches. A batch runs in one deferred transaction, which only reads: it starts after every
    /// read in it was requested, so each sees everything committed before its call started.
    /// </summary>
    private sealed class PreparedConnection(DbConnection connection) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>
        /// A connection of the lane's own, outside the pool: it lives as long as the lane, and closing
        /// it after a failure really closes it, ending any transaction the failure left open, where a
        /// pooled one would go back to the pool inside it.
        /// </summary>
        public static async Task<PreparedConnection> OpenAsync(DbDataSource source)
        {
            var connection = source.CreateConnection();
            connection.ConnectionString = new DbConnectionStringBuilder { ConnectionString = source.ConnectionString, ["Pooling"] = false }.ConnectionString;
            await connection.OpenAsync();
            return new PreparedConnection(connection);
        }

        public async Task ExecuteAsync(List<Lookup> batch)
        {
            var rows = new object[]?[batch.Count];
            await (await CommandAsync("BEGIN", [])).ExecuteNonQueryAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                var command = await CommandAsync(batch[i].Sql, batch[i].Parameters);
                await using var reader = await command.ExecuteReaderAsync();
                rows[i] = await ReadFirstRowAsync(reader, CancellationToken.None);
            }

            await (await CommandAsync("COMMIT", [])).ExecuteNonQueryAsync();
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(rows[i]);
            }
        }

        private async Task<DbCommand> CommandAsync(string sql, object[] parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                AddParameters(command.Parameters, command.CreateParameter, parameters);
                try
                {
                    await command.PrepareAsync();
                }
                catch
                {
                    await command.DisposeAsync();
                    throw;
                }

                _commands.Add(sql, command);
            }

            for (var i = 0; i < parameters.Length; i++)
            {
                command.Parameters[i].Value = parameters[i] ?? DBNull.Value;
            }

            return command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
        }
    }
}
