using System.Globalization;
using System.Reflection;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Pilotdeck.Data;
using Pilotdeck.Data.Jobs;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Server.Platform.Jobs;

/// <summary>
/// Keeps each tenant's view of its job runs (<see cref="JobRunRecord"/>) in step with the job server:
/// on every state a tenant-stamped job enters, the run's row is written in that tenant's scope.
/// Jobs without a tenant (the installation's fan-out runs) are the operators' and are not recorded.
/// </summary>
/// <remarks>
/// The row is written beside the job server's own transaction, not in it (the two may live in
/// different databases), so a crash between them can leave the row one state behind until the job's
/// next change. A failure to record is logged and never fails the job.
/// </remarks>
public sealed class JobRunRecorder(IServiceScopeFactory scopes, TimeProvider time, ILogger<JobRunRecorder> logger) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        var job = context.BackgroundJob;
        var tenantId = TenantOf(context);
        if (string.IsNullOrEmpty(tenantId))
        {
            return;
        }

        try
        {
            using var scope = scopes.CreateTenantScope(tenantId);
            var db = scope.ServiceProvider.GetRequiredService<PilotdeckDbContext>();
            var now = time.GetUtcNow();
            var row = db.JobRuns.SingleOrDefault(r => r.JobId == job.Id);
            if (row is null)
            {
                row = new JobRunRecord { JobId = job.Id, Name = Shortened(NameOf(job.Job), JobRunRecord.MaxNameLength), State = context.NewState.Name, CreatedAt = job.CreatedAt };
                db.JobRuns.Add(row);
            }

            row.State = context.NewState.Name;
            row.Detail = DetailOf(context.NewState);
            row.UpdatedAt = now;
            db.SaveChanges();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record state {State} of job {JobId} for tenant {Tenant}.", context.NewState.Name, job.Id, tenantId);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    /// <summary>
    /// What a job is called on the Jobs page: its <see cref="JobDisplayNameAttribute"/> with the
    /// job's arguments in its placeholders ("Import dry-run {0}" → the import's id), as Hangfire's
    /// dashboard shows it; else Type.Method.
    /// </summary>
    public static string NameOf(Job? job)
    {
        if (job is null)
        {
            return "(job type no longer exists)";
        }

        if (job.Method.GetCustomAttribute<JobDisplayNameAttribute>()?.DisplayName is not { } format)
        {
            return $"{job.Type.Name}.{job.Method.Name}";
        }

        try
        {
            return string.Format(CultureInfo.InvariantCulture, format, [.. job.Args]);
        }
        catch (FormatException)
        {
            return format;
        }
    }

    private static string? TenantOf(ApplyStateContext context)
    {
        // The snapshot carries the parameters the job was created with; a storage that does not
        // provide it is asked directly.
        var raw = context.BackgroundJob.ParametersSnapshot?.GetValueOrDefault(TenantJobs.TenantParameter)
            ?? context.Connection.GetJobParameter(context.BackgroundJob.Id, TenantJobs.TenantParameter);
        return raw is null ? null : SerializationHelper.Deserialize<string>(raw);
    }

    private static string? DetailOf(IState state)
    {
        var detail = state switch
        {
            FailedState failed => failed.Exception.Message,
            SucceededState { Result: string result } => result,
            _ => state.Reason,
        };
        return detail is null ? null : Shortened(detail, JobRunRecord.MaxDetailLength);
    }

    private static string Shortened(string text, int length) => text.Length > length ? text[..(length - 1)] + "…" : text;
}
