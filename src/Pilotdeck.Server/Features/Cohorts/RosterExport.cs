using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
using Pilotdeck.Data;
using Pilotdeck.Data.Cohorts;
using Pilotdeck.Contracts.Csv;

namespace Pilotdeck.Server.Features.Cohorts;

/// <summary>
/// A cohort's roster as CSV for a CRM, written in chunks as it is read. The columns are the roster
/// importer's, so an exported file can be edited and imported again; every cell is spreadsheet-safe.
/// Erased participants are left out: a row without alias or email means nothing to a CRM, and the
/// importer would reject it on the way back.
/// </summary>
public static class RosterExport
{
    public static readonly IReadOnlyList<string> Columns =
        ["participant_id", "alias", "email", "phone", "locale", "status", "source", "channel", "tags", "consent", "consent_method", "consent_at", "last_contacted_at", "replied_at", "created_at"];

    private const int BatchSize = 1000;
    private const int ChunkBytes = 64 * 1024;

    /// <summary>Reads the filtered participants in id order and hands the CSV on in chunks of about 64 KiB.</summary>
    public static async Task WriteAsync(PilotdeckDbContext db, ParticipantFilter filter, Func<ByteString, Task> send, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var text = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = false };
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(text);
        writer.Header.Add([.. Columns]);
        string? after = null;
        var wroteAny = false;
        while (true)
        {
            var query = filter.Apply(db.Participants.AsNoTracking()).Where(p => p.ErasedAt == null);
            if (after is not null)
            {
                query = query.Where(p => string.Compare(p.Id, after) > 0);
            }

            var batch = await query.OrderBy(p => p.Id).Take(BatchSize).ToListAsync(cancellationToken);
            wroteAny |= batch.Count > 0;
            foreach (var participant in batch)
            {
                using var row = writer.NewRow();
                foreach (var (column, value) in Cells(participant))
                {
                    row[column].Set(SpreadsheetCells.Safe(value));
                }
            }

            text.Flush();
            if (buffer.Length >= ChunkBytes || batch.Count < BatchSize)
            {
                await SendAsync(buffer, send);
            }

            if (batch.Count < BatchSize)
            {
                break;
            }

            after = batch[^1].Id;
        }

        // Sep writes the header with the first row; an empty roster still gets it (the names need no quoting).
        if (!wroteAny)
        {
            text.Write(string.Join(',', Columns) + "\r\n");
        }

        writer.Flush();
        text.Flush();
        await SendAsync(buffer, send);
    }

    private static async Task SendAsync(MemoryStream buffer, Func<ByteString, Task> send)
    {
        if (buffer.Length > 0)
        {
            await send(ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length));
            buffer.SetLength(0);
        }
    }

    private static IEnumerable<(string Column, string Value)> Cells(ParticipantRecord p)
    {
        yield return ("participant_id", p.Id);
        yield return ("alias", p.Alias);
        yield return ("email", p.Email);
        yield return ("phone", p.Phone);
        yield return ("locale", p.Locale);
        yield return ("status", p.Status);
        yield return ("source", p.Source);
        yield return ("channel", p.Channel);
        yield return ("tags", string.Join('|', ParticipantFields.ReadTags(p.Tags)));
        yield return ("consent", p.ConsentGiven switch { true => "true", false => "false", null => "" });
        yield return ("consent_method", p.ConsentMethod);
        yield return ("consent_at", Time(p.ConsentAt));
        yield return ("last_contacted_at", Time(p.LastContactedAt));
        yield return ("replied_at", Time(p.RepliedAt));
        yield return ("created_at", Time(p.CreatedAt));
    }

    private static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";
}
