using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Imports.V1;
using Pilotdeck.Data.Imports;
using ContractImportRow = Pilotdeck.Contracts.Imports.V1.ImportRow;

namespace Pilotdeck.Server.Features.Imports.Framework;

/// <summary>Stored imports and plan rows as the API shows them.</summary>
public static class ImportMapping
{
    public static string NameOf(string importId) => "imports/" + importId;

    /// <summary>The import; <paramref name="live"/> (this host's running progress) overrides the stored progress.</summary>
    public static Import ToContract(ImportRecord record, ImportProgress? live)
    {
        var import = new Import
        {
            Name = NameOf(record.Id),
            ImportId = record.Id,
            Kind = record.Kind,
            SourceFileName = record.SourceFileName,
            SourceSha256 = record.SourceSha256,
            SourceSize = record.SourceSize,
            State = StateOf(live?.State ?? record.State),
            CreatedCount = record.CreatedCount,
            UpdatedCount = record.UpdatedCount,
            UnchangedCount = record.UnchangedCount,
            RejectedCount = record.RejectedCount,
            PlanHash = record.PlanHash ?? "",
            RowsDone = live?.RowsDone ?? record.RowsDone,
            RowsTotal = live?.RowsTotal ?? record.RowsTotal,
            RowsPerSecond = live?.RowsPerSecond ?? record.RowsPerSecond,
            Failure = record.Failure ?? "",
            CreatedBy = record.CreatedBy,
            CreateTime = Timestamp.FromDateTimeOffset(record.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(record.UpdatedAt),
            JobId = record.JobId ?? "",
        };
        import.Options.Add(JsonSerializer.Deserialize<Dictionary<string, string>>(record.OptionsJson) ?? []);
        if (import.RowsTotal > import.RowsDone && import.RowsPerSecond > 0)
        {
            import.EtaSeconds = (import.RowsTotal - import.RowsDone) / import.RowsPerSecond;
        }

        return import;
    }

    public static ContractImportRow ToContract(ImportRowRecord row) => new()
    {
        RowNumber = row.RowNumber,
        Outcome = OutcomeOf(row.Outcome),
        Key = row.Key,
        Field = row.Field,
        Reason = row.Reason,
    };

    public static ImportState StateOf(string state) => state switch
    {
        ImportStates.Uploaded => ImportState.Uploaded,
        ImportStates.Planning => ImportState.Planning,
        ImportStates.Planned => ImportState.Planned,
        ImportStates.Committing => ImportState.Committing,
        ImportStates.Committed => ImportState.Committed,
        ImportStates.Failed => ImportState.Failed,
        _ => ImportState.Unspecified,
    };

    public static string? StoredState(ImportState state) => state switch
    {
        ImportState.Uploaded => ImportStates.Uploaded,
        ImportState.Planning => ImportStates.Planning,
        ImportState.Planned => ImportStates.Planned,
        ImportState.Committing => ImportStates.Committing,
        ImportState.Committed => ImportStates.Committed,
        ImportState.Failed => ImportStates.Failed,
        _ => null,
    };

    public static RowOutcome OutcomeOf(string outcome) => outcome switch
    {
        RowOutcomes.Created => RowOutcome.Created,
        RowOutcomes.Updated => RowOutcome.Updated,
        RowOutcomes.Unchanged => RowOutcome.Unchanged,
        RowOutcomes.Rejected => RowOutcome.Rejected,
        _ => RowOutcome.Unspecified,
    };

    public static string? StoredOutcome(RowOutcome outcome) => outcome switch
    {
        RowOutcome.Created => RowOutcomes.Created,
        RowOutcome.Updated => RowOutcomes.Updated,
        RowOutcome.Unchanged => RowOutcomes.Unchanged,
        RowOutcome.Rejected => RowOutcomes.Rejected,
        _ => null,
    };

    /// <summary>A terminal state for WatchImport: nothing more will happen without a new request.</summary>
    public static bool IsSettled(string state) => state is ImportStates.Planned or ImportStates.Committed or ImportStates.Failed or ImportStates.Uploaded;
}
