using System.Linq.Expressions;
using Pilotdeck.Contracts.Retention.V1;

namespace Pilotdeck.Server.Features.Retention;

/// <summary>
/// Which rows <see cref="PersonalDataEraser"/> takes: for retention, each class's rows older than that
/// class's cutoff; for erasure, one participant's rows. The eraser asks it per class and table, giving
/// how a row names its participant and its age, so both uses run the same code.
/// </summary>
public sealed class ErasureScope
{
    private readonly IReadOnlyDictionary<DataClass, DateTimeOffset>? _cutoffs;

    private ErasureScope(IReadOnlyDictionary<DataClass, DateTimeOffset>? cutoffs, string? participantId)
    {
        _cutoffs = cutoffs;
        ParticipantId = participantId;
    }

    /// <summary>Set for an erasure: the participant whose data goes.</summary>
    public string? ParticipantId { get; }

    /// <summary>Retention: per class, rows created before the cutoff go.</summary>
    public static ErasureScope OlderThan(IReadOnlyDictionary<DataClass, DateTimeOffset> cutoffs) => new(cutoffs, null);

    /// <summary>Erasure: every row of the participant goes, whatever its age.</summary>
    public static ErasureScope OfParticipant(string participantId) => new(null, participantId);

    /// <summary>The cutoff of a class in a retention scope; null in an erasure.</summary>
    public DateTimeOffset? CutoffOf(DataClass dataClass) => _cutoffs?[dataClass];

    /// <summary>
    /// The rows of <paramref name="dataClass"/> in scope: those whose <paramref name="participantKeyOf"/>
    /// equals <paramref name="participantKey"/> of the participant (the id itself unless given), or whose
    /// <paramref name="createdAt"/> is before the class's cutoff.
    /// </summary>
    public IQueryable<T> Select<T>(DataClass dataClass, IQueryable<T> rows, Expression<Func<T, string>> participantKeyOf, Expression<Func<T, DateTimeOffset>> createdAt, Func<string, string>? participantKey = null)
    {
        if (ParticipantId is { } id)
        {
            var key = participantKey?.Invoke(id) ?? id;
            return rows.Where(Compose(participantKeyOf, value => value == key));
        }

        var cutoff = _cutoffs![dataClass];
        return rows.Where(Compose(createdAt, value => value < cutoff));
    }

    /// <summary><paramref name="test"/> applied to what <paramref name="selector"/> reads from a row, as one expression EF translates.</summary>
    private static Expression<Func<T, bool>> Compose<T, TValue>(Expression<Func<T, TValue>> selector, Expression<Func<TValue, bool>> test) =>
        Expression.Lambda<Func<T, bool>>(new Substitute(test.Parameters[0], selector.Body).Visit(test.Body), selector.Parameters);

    private sealed class Substitute(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
    }
}
