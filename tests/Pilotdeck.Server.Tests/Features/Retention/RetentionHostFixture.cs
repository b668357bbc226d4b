using Pilotdeck.Data;
using Pilotdeck.Server.Tests.Features.Receipts;
using Pilotdeck.Server.Tests.Hosting;
using Pilotdeck.Server.Tests.Platform.Jobs;

namespace Pilotdeck.Server.Tests.Features.Retention;

/// <summary>The evidence host (receipt timelines to verify) with a job server that polls in fractions of a second, so the retention job's runs are waited for, not slept through.</summary>
public abstract class RetentionHostFixture : EvidenceHostFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, .. JobsHostFixture.FastPolling];
}

public sealed class SqliteRetentionHostFixture : RetentionHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresRetentionHostFixture : RetentionHostFixture
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
