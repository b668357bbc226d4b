using System.Data.Common;
using System.Threading.Channels;

namespace Pilotdeck.Data;

/// <summary>
/// Runs short single-row reads on plain connections, and sends the reads of concurrent calls to
/// the database together: each statement still runs on its own, but a batch shares one read
/// transaction. Where the provider has statement batches (PostgreSQL), a batch is one
/// <see cref="DbBatch"/>: one round trip and one flush of the server's output instead of one per
/// read. Where it has not (SQLite, in-process), a lane keeps one connection with its statements
/// prepared and runs a batch between <c>BEGIN</c> and <c>COMMIT</c>: starting and ending a read
/// transaction (file locks, a stat) costs SQLite several times an indexed lookup
/// (docs/adr/0008-batched-principal-checks.md).
/// </summary>
/// <remarks>
/// A read never waits for a batch to fill: a lane takes whatever is queued the moment it is free,
/// so under light load a batch is one read, and under load a batch is what arrived during the
/// previous round trip. Every read is sent after it was requested, so it sees everything committed
/// before its call started, as a read of its own would. Reads of a batch that ask the same (same
/// SQL, equal parameter values) are sent once, and each caller gets its own copy of the row.
/// </remarks>
public sealed partial class RowLookups : IAsyncDisposable, IDisposable
{
    /// <summary>Most reads per batch: bounds the batch's wire size and the wait of its last read.</summary>
    public const int MaxBatchSize = 64;

    /// <summary>Batches in flight at once: while one waits for the database, the next one fills.</summary>
    public const int Lanes = 2;

    private readonly DbDataSource _dataSource;
    private readonly Channel<Lookup> _queue = Channel.CreateUnbounded<Lookup>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _lanes;

    public RowLookups(DbDataSource dataSource)
    {
        _dataSource = dataSource;
        using (var probe = dataSource.CreateConnection())
        {
            SendsStatementBatches = probe.CanCreateBatch;
        }

        // The lanes outlive the call that first resolved this singleton; none of its async
        // locals (activity, log scope, tenant) may travel with them.
        using (ExecutionContext.SuppressFlow())
        {
            _lanes = Enumerable.Range(0, Lanes).Select(_ => Task.Run(RunLaneAsync)).ToArray();
        }
    }

    /// <summary>Whether a batch goes as one <see cref="DbBatch"/> (PostgreSQL) rather than as prepared statements in one transaction (SQLite).</summary>
    public bool SendsStatementBatches { get; }

    /// <summary>
    /// The first row of <paramref name="sql"/> with its parameters named <c>p0</c>, <c>p1</c>, …,
    /// or null when there is none.
    /// </summary>
    public Task<object[]?> FirstRowAsync(string sql, object[] parameters, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<object[]?>(cancellationToken);
        }

        var lookup = new Lookup(sql, parameters, cancellationToken);
        return _queue.Writer.TryWrite(lookup)
            ? lookup.Result.Task
            : Task.FromException<object[]?>(new ObjectDisposedException(nameof(RowLookups)));
    }

    /// <summary>The parameter name of position <paramref name="index"/> in the SQL given to <see cref="FirstRowAsync"/>.</summary>
    public static string ParameterName(int index) => "p" + index;

    private async Task RunLaneAsync()
    {
        var batch = new List<Lookup>(MaxBatchSize);
        var questions = new Dictionary<Lookup, Lookup>(MaxBatchSize, SameQuestion.Instance);
        PreparedConnection? prepared = null;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var lookup))
            {
                if (lookup.Result.Task.IsCompleted)
                {
                    continue;
                }

                // Calls in flight together often ask the same question (one partner's concurrent
                // calls each check that its client is active); the batch reads it once for all.
                if (questions.TryGetValue(lookup, out var asked))
                {
                    asked.AnswerAlso(lookup);
                }
                else
                {
                    questions.Add(lookup, lookup);
                    batch.Add(lookup);
                }
            }

            questions.Clear();

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                if (SendsStatementBatches)
                {
                    await ExecuteAsync(batch);
                }
                else
                {
                    prepared ??= await PreparedConnection.OpenAsync(_dataSource);
                    await prepared.ExecuteAsync(batch);
                }
            }
            catch (Exception failure)
            {
                // The whole batch shares the transaction, so it shares the failure; the lane goes on,
                // on a new connection if it kept one (the failure may have left it in any state).
                foreach (var lookup in batch)
                {
                    lookup.Fail(failure);
                }

                if (prepared is not null)
                {
                    var broken = prepared;
                    prepared = null;
                    try
                    {
                        await broken.DisposeAsync();
                    }
                    catch (Exception)
                    {
                        // Closing a connection the failure broke may fail too; the lane must live on.
                    }
                }
            }

            batch.Clear();
        }

        if (prepared is not null)
        {
            await prepared.DisposeAsync();
        }
    }

    private async Task ExecuteAsync(List<Lookup> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var dbBatch = connection.CreateBatch();
        foreach (var lookup in batch)
        {
            var command = dbBatch.CreateBatchCommand();
            command.CommandText = lookup.Sql;
            AddParameters(command.Parameters, command.CreateParameter, lookup.Parameters);
            dbBatch.BatchCommands.Add(command);
        }

        await using var reader = await dbBatch.ExecuteReaderAsync();
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync())
            {
                throw new InvalidOperationException($"The batch returned {i} results for {batch.Count} statements.");
            }

            batch[i].Complete(await ReadFirstRowAsync(reader, CancellationToken.None));
        }
    }

    private static async Task<object[]?> ReadFirstRowAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var row = new object[reader.FieldCount];
        reader.GetValues(row);
        return row;
    }

    private static void AddParameters(DbParameterCollection target, Func<DbParameter> create, object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = create();
            parameter.ParameterName = ParameterName(i);
            parameter.Value = values[i] ?? DBNull.Value;
            target.Add(parameter);
        }
    }

    /// <summary>Stops taking reads; the lanes finish what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_lanes);
    }

    // Containers disposed synchronously call this one; the lanes never wait on the caller's thread.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>One queued read; a cancelled caller stops waiting, and its read is skipped if not yet sent.</summary>
    private sealed class Lookup
    {
        private readonly CancellationTokenRegistration _cancellation;

        /// <summary>Reads queued after this one that ask the same; they get its answer, each its own copy of the row.</summary>
        private List<Lookup>? _sameQuestion;

        public Lookup(string sql, object[] parameters, CancellationToken cancellationToken)
        {
            Sql = sql;
            Parameters = parameters;
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<object[]?>)state!).TrySetCanceled(token), Result);
            }
        }

        public string Sql { get; }

        public object[] Parameters { get; }

        // Continuations run on the thread pool, not on the lane: each one is the rest of a call.
        public TaskCompletionSource<object[]?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void AnswerAlso(Lookup same) => (_sameQuestion ??= []).Add(same);

        public void Complete(object[]? row)
        {
            Result.TrySetResult(row);
            _cancellation.Dispose();
            foreach (var same in _sameQuestion ?? [])
            {
                same.Complete((object[]?)row?.Clone());
            }
        }

        public void Fail(Exception failure)
        {
            Result.TrySetException(failure);
            _cancellation.Dispose();
            foreach (var same in _sameQuestion ?? [])
            {
                same.Fail(failure);
            }
        }
    }

    /// <summary>Same SQL and equal parameter values: one read answers both.</summary>
    private sealed class SameQuestion : IEqualityComparer<Lookup>
    {
        public static readonly SameQuestion Instance = new();

        public bool Equals(Lookup? x, Lookup? y) =>
            string.Equals(x!.Sql, y!.Sql, StringComparison.Ordinal) && x.Parameters.AsSpan().SequenceEqual(y.Parameters);

        public int GetHashCode(Lookup lookup)
        {
            var hash = new HashCode();
            hash.Add(lookup.Sql, StringComparer.Ordinal);
            foreach (var value in lookup.Parameters)
            {
                hash.Add(value);
            }

            return hash.ToHashCode();
        }
    }
}
