using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Pilotdeck.Contracts.Retention.V1;
using Pilotdeck.Data;
using Pilotdeck.Data.Retention;
using Pilotdeck.Server.Features.Cohorts;
using Pilotdeck.Server.Features.Policy;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Policy;
using Pilotdeck.Server.Platform.Receipts;
using Contract = Pilotdeck.Contracts.Retention.V1.RetentionService;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>pilotdeck.retention.v1 (docs/data-governance.md): windows, runs and erasure, for tenant admins.</summary>
public sealed class RetentionService(
    PilotdeckDbContext db, RetentionWindows windows, RetentionRuns runs, PersonalDataEraser eraser, BlobDeletions blobDeletions,
    ChangeReceipts receipts, PolicyGate policy, TimeProvider time) : Contract.RetentionServiceBase
{
    public const string PolicySubject = "retention/policy";

    public override async Task<GetRetentionPolicyResponse> GetRetentionPolicy(GetRetentionPolicyRequest request, ServerCallContext context)
    {
        var response = new GetRetentionPolicyResponse();
        response.Windows.AddRange(await windows.EffectiveAsync(context.CancellationToken));
        return response;
    }

    public override async Task<UpdateRetentionPolicyResponse> UpdateRetentionPolicy(UpdateRetentionPolicyRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        if (request.Windows.Count == 0)
        {
            violations.Add(new FieldViolation("windows", "must name at least one data class"));
        }

        for (var i = 0; i < request.Windows.Count; i++)
        {
            var change = request.Windows[i];
            if (!RetentionWindows.Classes.Contains(change.DataClass))
            {
                violations.Add(new FieldViolation($"windows[{i}].data_class", "must be one of " + string.Join(", ", RetentionWindows.Classes.Select(RetentionWindows.NameOf))));
            }
            else if (request.Windows.Take(i).Any(w => w.DataClass == change.DataClass))
            {
                violations.Add(new FieldViolation($"windows[{i}].data_class", "is listed twice"));
            }

            if (change.Days is < 0 or > RetentionWindows.MaxDays)
            {
                violations.Add(new FieldViolation($"windows[{i}].days", $"must be 1 to {RetentionWindows.MaxDays}, or 0 for the installation's default"));
            }
        }

        if (violations.Count > 0)
        {
            throw ApiErrors.InvalidArgument([.. violations]);
        }

        await policy.AuthorizeAsync(GovernedActions.RetentionUpdate, PolicySubject, new Dictionary<string, object?>
        {
            ["data_classes"] = request.Windows.Select(w => (object?)RetentionWindows.NameOf(w.DataClass)).ToList(),
            ["shortest_days"] = (long)request.Windows.Where(w => w.Days > 0).Select(w => w.Days).DefaultIfEmpty(0).Min(),
        }, request, context);
        return await receipts.RecordAsync(context.Method, _ => PolicySubject, async () =>
        {
            var own = await db.RetentionWindows.ToDictionaryAsync(w => w.DataClass, context.CancellationToken);
            foreach (var change in request.Windows)
            {
                var name = RetentionWindows.NameOf(change.DataClass);
                own.TryGetValue(name, out var stored);
                if (change.Days == 0 && stored is not null)
                {
                    db.RetentionWindows.Remove(stored);
                }
                else if (change.Days > 0)
                {
                    stored ??= db.RetentionWindows.Add(new RetentionWindowRecord { DataClass = name, UpdatedBy = receipts.Actor }).Entity;
                    stored.Days = change.Days;
                    stored.UpdatedBy = receipts.Actor;
                    stored.UpdatedAt = time.GetUtcNow();
                }
            }

            await db.SaveChangesAsync(context.CancellationToken);
            var response = new UpdateRetentionPolicyResponse();
            response.Windows.AddRange(await windows.EffectiveAsync(context.CancellationToken));
            return response;
        }, context.CancellationToken);
    }

    public override async Task<RunRetentionResponse> RunRetention(RunRetentionRequest request, ServerCallContext context)
    {
        if (!request.DryRun)
        {
            await policy.AuthorizeAsync(GovernedActions.RetentionRun, "retention/runs", new Dictionary<string, object?>(), request, context);
        }

        return await runs.RunAsync(request.DryRun, context.CancellationToken);
    }

    public override async Task<EraseParticipantResponse> EraseParticipant(EraseParticipantRequest request, ServerCallContext context)
    {
        var participant = await CohortLookup.FindParticipantAsync(db, request.ParticipantId, "participant_id", tracked: true, context.CancellationToken);
        CohortLookup.EnsureNotErased(participant);
        var subject = ParticipantChanges.NameOf(participant.Id);
        await policy.AuthorizeAsync(GovernedActions.ParticipantErase, subject, new Dictionary<string, object?> { ["status"] = participant.Status }, request, context);

        // One transaction: the profile, every class's rows and the receipt, or none of them.
        var response = await receipts.RecordAsync(context.Method, _ => subject, async () =>
        {
            // Milliseconds: what every provider stores, so the time answered is the time shown later.
            var now = time.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            var counts = await eraser.EraseAsync(ErasureScope.OfParticipant(participant.Id), dryRun: false, context.CancellationToken);
            participant.Alias = "";
            participant.Email = "";
            participant.Phone = "";
            // The key held the email or alias; an erased participant keeps a key no one else can have.
            participant.NaturalKey = "erased:" + participant.Id;
            participant.ErasedAt = now;
            participant.ImportDigest = null;
            participant.UpdatedAt = now;
            await db.SaveChangesAsync(context.CancellationToken);
            var erased = new EraseParticipantResponse { ParticipantId = participant.Id, EraseTime = Timestamp.FromDateTimeOffset(now) };
            erased.Counts.AddRange(counts);
            erased.Counts.Add(new ErasedCount { DataClass = DataClass.Profile, Records = "participants", Treatment = Treatment.Anonymised, Count = 1 });
            return erased;
        }, context.CancellationToken);
        await blobDeletions.CompleteAsync(CancellationToken.None);
        return response;
    }
}
