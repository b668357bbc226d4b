using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Pilotdeck.Data;
using Pilotdeck.Data.Policy;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Data.Tenancy;
using Pilotdeck.Server.Platform.Auth;

namespace Pilotdeck.Server.Platform.Receipts;

/// <summary>
/// Makes a state change and its receipt one transaction: the change runs, the receipt is added,
/// both commit together; if either fails neither exists. Joins a transaction already open on the
/// scope's context (an idempotent create's), so the stored response, the change and the receipt
/// commit as one. Scoped: the actor is the scope's caller, or the job named by <see cref="ForJob"/>.
/// </summary>
public sealed class ChangeReceipts(PilotdeckDbContext db, ITenantContext tenant, CallerAccessor caller, TimeProvider time)
{
    private string? _jobActor;
    private PolicyDecisionRecord? _decision;

    /// <summary>Marks this scope as a background job's: its receipts name the job as the actor.</summary>
    public ChangeReceipts ForJob(string jobName)
    {
        _jobActor = "system:" + jobName;
        return this;
    }

    /// <summary>
    /// The policy decision the next change passed (see PolicyGate): it is stored in the change's
    /// transaction and its receipt links it.
    /// </summary>
    public ChangeReceipts Decided(PolicyDecisionRecord decision)
    {
        _decision = decision;
        return this;
    }

    /// <summary>
    /// Runs <paramref name="change"/> and records its receipt for <paramref name="subjectOf"/> of the
    /// result; the content hashed is the result as the API returns it.
    /// </summary>
    public Task<T> RecordAsync<T>(string action, Func<T, string> subjectOf, Func<Task<T>> change, CancellationToken cancellationToken)
        where T : IMessage =>
        RecordAsync(action, subjectOf, change, result => result.ToByteArray(), cancellationToken);

    /// <summary>As above, for changes whose outcome is not a message (a job's deletions): <paramref name="contentOf"/> gives the bytes hashed.</summary>
    public async Task<T> RecordAsync<T>(string action, Func<T, string> subjectOf, Func<Task<T>> change, Func<T, byte[]> contentOf, CancellationToken cancellationToken)
    {
        var joined = db.Database.CurrentTransaction is not null;
        await using var transaction = joined ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await change();
        var decision = _decision;
        if (decision is not null)
        {
            db.PolicyDecisions.Add(decision);
            _decision = null;
        }

        db.Receipts.Add(Build(action, subjectOf(result), SHA256.HashData(contentOf(result)), decision?.Id));
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Adds the receipt of one change among many made in a transaction the caller holds open and
    /// saves (an import's commit writes one per record it changes); it links no decision.
    /// </summary>
    public void Add(string action, string subject, byte[] content) =>
        db.Receipts.Add(New(action, subject, content));

    /// <summary>As <see cref="Add"/>, for a caller that writes the receipt itself (in bulk, in its transaction).</summary>
    public ReceiptRecord New(string action, string subject, byte[] content) => Build(action, subject, SHA256.HashData(content), null);

    private ReceiptRecord Build(string action, string subject, byte[] contentSha256, string? decisionId) =>
        ReceiptRecord.Create(tenant.TenantId ?? throw new InvalidOperationException("A receipt needs a tenant-bound scope."),
            Actor, action, subject, Activity.Current?.TraceId.ToHexString(), decisionId, time.GetUtcNow(), contentSha256);

    /// <summary>Who the scope's receipts name as the actor.</summary>
    public string Actor => _jobActor ?? ActorOf(caller.Current);

    private static string ActorOf(Caller caller) => (caller.IsApiClient ? "client:" : "user:") + caller.Subject;
}
