namespace Pilotdeck.Data.Migrations;

/// <summary>
/// Migration ParticipantInitialStatus moves each participant's first status change (the one from no
/// status) onto the participant's row, in the migration's own transaction, so a status history reads
/// the same before and after the upgrade: docs/adr/0026-first-status-on-the-participant.md. The same SQL serves
/// every provider.
/// </summary>
internal static class ParticipantInitialStatusBackfill
{
    private const string FirstChange =
        "FROM participant_status_changes c WHERE c.tenant_id = participants.tenant_id AND c.participant_id = participants.id AND c.from_status = ''";

    public static readonly string[] Up =
    [
        $"""
        UPDATE participants SET
            initial_status = COALESCE((SELECT MIN(c.to_status) {FirstChange}), ''),
            created_by = COALESCE((SELECT MIN(c.actor) {FirstChange}), '')
        """,
        "DELETE FROM participant_status_changes WHERE from_status = ''",
    ];

    /// <summary>Puts the first changes back as rows; they sort after the changes made since (history is read in row order).</summary>
    public static readonly string[] Down =
    [
        """
        INSERT INTO participant_status_changes (tenant_id, participant_id, from_status, to_status, actor, changed_at)
        SELECT tenant_id, id, '', initial_status, created_by, created_at FROM participants WHERE initial_status <> ''
        """,
    ];
}
