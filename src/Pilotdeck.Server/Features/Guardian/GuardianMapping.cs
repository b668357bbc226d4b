using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pilotdeck.Contracts.Guardian.V1;
using Pilotdeck.Data.Guardian;
using Pilotdeck.Guardian;
using Library = Pilotdeck.Guardian;

namespace Pilotdeck.Server.Features.Guardian;

/// <summary>Library and stored types to contract messages.</summary>
internal static class GuardianMapping
{
    public static Analysis ToContract(GuardianAnalysisRecord stored)
    {
        var analysis = new Analysis
        {
            AnalysisId = stored.Id,
            ProjectName = stored.ProjectName,
            CreateTime = Timestamp.FromDateTimeOffset(stored.CreatedAt),
            DbtVersion = stored.DbtVersion ?? "",
            Coverage = new CoverageSummary
            {
                Columns = Figure(stored.ColumnsCovered, stored.ColumnsTotal, stored.ColumnCoveragePercent),
                Models = Figure(stored.ModelsCovered, stored.ModelsTotal, stored.ModelCoveragePercent),
                PrimaryKeys = Figure(stored.PrimaryKeysCovered, stored.PrimaryKeysTotal, stored.PrimaryKeyCoveragePercent),
                UnitTests = Figure(stored.UnitTestsCovered, stored.UnitTestsTotal, stored.UnitTestCoveragePercent),
            },
            GapCount = stored.GapCount,
            PriorityThreshold = stored.PriorityThreshold,
        };
        if (stored.HasCatalog is { } hasCatalog)
        {
            analysis.HasCatalog = hasCatalog;
        }

        return analysis;
    }

    public static Contracts.Guardian.V1.ResourceCoverage ToContract(Library.Coverage.ResourceCoverage resource) => new()
    {
        UniqueId = resource.UniqueId,
        Name = resource.Name,
        ResourceType = resource.ResourceType,
        Path = resource.Path,
        Package = resource.Package,
        Columns = Figure(resource.Columns),
        DataTests = resource.DataTests,
        PrimaryKeyTested = resource.PrimaryKeyTested,
        UnitTests = resource.UnitTests,
    };

    public static Gap ToContract(Library.Gaps.Gap gap) => new()
    {
        ModelId = gap.ModelId,
        Model = gap.Model,
        Column = gap.Column,
        Test = gap.Test,
        // Arguments are free-form (strings, lists, maps); JSON is their common shape on both sides.
        Arguments = JsonParser.Default.Parse<Struct>(JsonSerializer.Serialize(gap.Arguments, GuardianJson.Options)),
        Priority = gap.Priority,
        Rule = gap.Rule,
        Rationale = gap.Rationale,
        LearnedFrom = gap.LearnedFrom ?? "",
    };

    public static GetProjectInfoResponse ToProjectInfo(GuardianAnalysisRecord stored, Library.ProjectSummary project)
    {
        var response = new GetProjectInfoResponse
        {
            AnalysisId = stored.Id,
            DbtProjectName = project.Name ?? "",
            DbtVersion = project.DbtVersion ?? "",
            ManifestSchemaVersion = project.SchemaVersion ?? 0,
            Adapter = project.Adapter ?? "",
            HasCatalog = project.HasCatalog,
            Counts = new ResourceCounts
            {
                Models = project.Models,
                Sources = project.Sources,
                Seeds = project.Seeds,
                Snapshots = project.Snapshots,
                DataTests = project.DataTests,
                UnitTests = project.UnitTests,
            },
        };
        if (project.GeneratedAt is { } generated)
        {
            response.GenerateTime = Timestamp.FromDateTimeOffset(generated);
        }

        response.Packages.AddRange(project.Packages);
        return response;
    }

    private static CoverageFigure Figure(Library.Coverage.CoverageFigure figure) => Figure(figure.Covered, figure.Total, figure.Percent);

    private static CoverageFigure Figure(int covered, int total, double percent) => new() { Covered = covered, Total = total, Percent = percent };
}
