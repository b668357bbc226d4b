namespace Pilotdeck.Guardian.Artifacts;

/// <summary>
/// How much of a project the reader may hold. A host analysing uploads bounds its memory with it;
/// the CLI reads without limits (the user's own machine, the user's own project).
/// </summary>
/// <param name="MaxNodes">Entries of the manifest's <c>nodes</c>, <c>sources</c> and <c>unit_tests</c>, enabled or not.</param>
/// <param name="MaxColumns">Columns declared in the manifest plus columns listed in the catalog.</param>
public sealed record ReadLimits(int MaxNodes, int MaxColumns)
{
    public static ReadLimits None { get; } = new(int.MaxValue, int.MaxValue);
}

/// <summary>The manifest or catalog holds more nodes or columns than <see cref="ReadLimits"/> allow; reading stopped there.</summary>
public sealed class ArtifactBudgetExceededException : Exception
{
    public ArtifactBudgetExceededException(string artifact, string budget, int limit)
        : base($"{artifact} holds more than {limit} {budget}, the most this reader is allowed to analyse; reading stopped there. Narrow the project (analyse a sub-project) or raise the limit.")
    {
        Artifact = artifact;
        Budget = budget;
        Limit = limit;
    }

    /// <summary><c>manifest.json</c> or <c>catalog.json</c>.</summary>
    public string Artifact { get; }

    /// <summary><c>nodes</c> or <c>columns</c>.</summary>
    public string Budget { get; }

    public int Limit { get; }
}

/// <summary>Counts what the sinks keep against the limits, across manifest and catalog.</summary>
internal sealed class ReadBudget(ReadLimits limits)
{
    private int _nodes;
    private int _columns;

    public void AddNode(string artifact)
    {
        if (++_nodes > limits.MaxNodes)
        {
            throw new ArtifactBudgetExceededException(artifact, "nodes", limits.MaxNodes);
        }
    }

    public void AddColumns(string artifact, int count)
    {
        _columns += count;
        if (_columns > limits.MaxColumns || _columns < 0)
        {
            throw new ArtifactBudgetExceededException(artifact, "columns", limits.MaxColumns);
        }
    }
}
