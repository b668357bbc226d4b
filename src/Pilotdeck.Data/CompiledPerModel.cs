using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Pilotdeck.Data;

/// <summary>
/// An EF compiled query (<c>EF.CompileAsyncQuery</c>) for each model it runs against. A compiled
/// query skips the per-call work of a LINQ query (evaluating its closures, looking its shape up in
/// the query cache), but EF refuses to run one against a model other than the one it was first
/// compiled for, and a process may hold several: the tests run SQLite and PostgreSQL hosts side by
/// side. Each provider's model gets its own compilation of the same expression.
/// </summary>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext context)
    {
        var model = context.Model;
        return _byModel.TryGetValue(model, out var compiled) ? compiled : _byModel.GetValue(model, _ => compile());
    }
}
