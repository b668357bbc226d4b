using System.Text.RegularExpressions;
using Pilotdeck.Contracts.Api.V1;
using Pilotdeck.Server.Tests.Hosting;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>docs/api/error-reasons.md and the contract's ErrorReason enum list the same reasons.</summary>
public sealed partial class ErrorReasonCatalogueTests
{
    [Fact]
    public void ErrorReasonsDoc_EveryContractReason_IsCataloguedOnce()
    {
        var doc = File.ReadAllText(Path.Combine(RepoProcess.RepoRoot, "docs", "api", "error-reasons.md"));
        var documented = TableReason().Matches(doc).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(documented.Distinct().Count(), documented.Count);
        Assert.Equal(ErrorReasons.All.Select(ErrorReasons.Name).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ErrorReasons_NameAndParse_RoundTrip()
    {
        Assert.All(ErrorReasons.All, reason => Assert.Equal(reason, ErrorReasons.Parse(ErrorReasons.Name(reason))));
        Assert.Equal("TOKEN_EXPIRED", ErrorReasons.Name(ErrorReason.TokenExpired));
        Assert.Equal(ErrorReason.Unspecified, ErrorReasons.Parse("NO_SUCH_REASON"));
    }

    // A table row starting with a back-quoted reason: | `TOKEN_MISSING` | ...
    [GeneratedRegex(@"^\| `([A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableReason();
}
