using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Pilotdeck.Data.Tests;

/// <summary>
/// No SQL Server engine runs here, so SQL Server's migrations are checked without one: the snapshot
/// matches the model, and the idempotent script a DBA would run creates exactly the tables,
/// columns, keys and indexes that the model's own create script does, and no migration lets one
/// delete cascade to a table by two paths (which SQL Server refuses).
/// </summary>
public sealed partial class SqlServerMigrationTests
{
    [Fact]
    public void Migrations_SqlServerSnapshot_HasNoPendingModelChanges()
    {
        using var db = new SqlServerDesignTimeContext().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "The model differs from SQL Server's snapshot: run dotnet ef migrations add (docs/runbooks/operations.md).");
    }

    [Fact]
    public void IdempotentScript_SqlServer_CreatesWhatTheModelCreates()
    {
        using var db = new SqlServerDesignTimeContext().CreateDbContext([]);

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var expected = Describe(db.Database.GenerateCreateScript());
        var actual = Describe(script);

        Assert.Contains("IF NOT EXISTS", script, StringComparison.Ordinal);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Describe_ScriptMissingAColumn_DiffersFromTheModel()
    {
        // The comparison itself can fail: drop one column from the model's script and it must notice.
        using var db = new SqlServerDesignTimeContext().CreateDbContext([]);
        var model = db.Database.GenerateCreateScript();
        var withoutColumn = ColumnLine().Replace(model, "", 1);

        Assert.NotEqual(Describe(model), Describe(withoutColumn));
    }

    [Fact]
    public void Migrations_SqlServer_NeverGiveATableTwoCascadePaths()
    {
        // SQL Server refuses a foreign key that would let one delete reach a table by two cascading
        // paths (error 1785). Each migration's operations are replayed in order, as a fresh install
        // runs them, and the cascade graph is checked after every migration.
        using var db = new SqlServerDesignTimeContext().CreateDbContext([]);
        var assembly = db.GetService<IMigrationsAssembly>();
        var cascades = new Dictionary<(string Table, string Name), string>();
        var problems = new List<string>();
        foreach (var (id, type) in assembly.Migrations)
        {
            foreach (var operation in assembly.CreateMigration(type, db.Database.ProviderName!).UpOperations)
            {
                switch (operation)
                {
                    case CreateTableOperation create:
                        foreach (var key in create.ForeignKeys.Where(k => k.OnDelete == ReferentialAction.Cascade))
                        {
                            cascades[(create.Name, key.Name)] = key.PrincipalTable;
                        }

                        break;
                    case AddForeignKeyOperation add when add.OnDelete == ReferentialAction.Cascade:
                        cascades[(add.Table, add.Name)] = add.PrincipalTable;
                        break;
                    case DropForeignKeyOperation drop:
                        cascades.Remove((drop.Table, drop.Name));
                        break;
                    case DropTableOperation dropTable:
                        foreach (var key in cascades.Keys.Where(k => k.Table == dropTable.Name).ToList())
                        {
                            cascades.Remove(key);
                        }

                        break;
                }
            }

            problems.AddRange(TablesReachedTwice([.. cascades.Select(c => (Principal: c.Value, Dependent: c.Key.Table))]).Select(p => $"{id}: {p}"));
        }

        Assert.True(problems.Count == 0, "SQL Server would refuse these migrations:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TablesReachedTwice_FindsADiamondAndADirectShortcut()
    {
        // The check itself can fail: a child of both tenants and a cohort of tenants is reached twice.
        Assert.Equal(["tenants → participants by 2 paths"], TablesReachedTwice([("tenants", "cohorts"), ("cohorts", "participants"), ("tenants", "participants")]));
        Assert.Empty(TablesReachedTwice([("tenants", "cohorts"), ("cohorts", "participants")]));
    }

    /// <summary>Each (ancestor, table) pair that cascading deletes connect by more than one path.</summary>
    private static List<string> TablesReachedTwice(IReadOnlyList<(string Principal, string Dependent)> cascades)
    {
        var found = new List<string>();
        foreach (var root in cascades.Select(c => c.Principal).Distinct())
        {
            var paths = new Dictionary<string, int>();
            var frontier = new Queue<string>([root]);
            var steps = 0;
            // Counts paths breadth-first; a cycle would never end, so it is cut off and reported.
            while (frontier.TryDequeue(out var table) && steps++ < 10_000)
            {
                foreach (var (_, dependent) in cascades.Where(c => c.Principal == table))
                {
                    paths[dependent] = paths.GetValueOrDefault(dependent) + 1;
                    frontier.Enqueue(dependent);
                }
            }

            found.AddRange(steps >= 10_000 ? [$"{root}: a cascade cycle"] : paths.Where(p => p.Value > 1).Select(p => $"{root} → {p.Key} by {p.Value} paths"));
        }

        return found;
    }

    /// <summary>Every column (with type and nullability), table constraint and index the script creates, sorted.</summary>
    private static List<string> Describe(string script)
    {
        var sql = script.Replace("''", "'", StringComparison.Ordinal);
        var facts = new List<string>();
        // Constraints in script order: a later migration drops some (to replace them) and adds others.
        var constraints = new List<(int Index, string Fact)>();
        foreach (Match table in CreateTable().Matches(sql))
        {
            foreach (var line in table.Groups["body"].Value.Split('\n').Select(l => l.Trim().TrimEnd(',')).Where(l => l.Length > 0))
            {
                var fact = $"{table.Groups["name"].Value}: {line}";
                if (line.StartsWith("CONSTRAINT ", StringComparison.Ordinal))
                {
                    constraints.Add((table.Index, fact));
                }
                else
                {
                    facts.Add(fact);
                }
            }
        }

        constraints.AddRange(AddConstraint().Matches(sql).Select(m => (m.Index, $"{m.Groups["table"].Value}: {m.Groups["constraint"].Value.Trim()}")));
        foreach (Match dropped in DropConstraint().Matches(sql))
        {
            constraints.RemoveAll(c => c.Index < dropped.Index && c.Fact.StartsWith($"{dropped.Groups["table"].Value}: CONSTRAINT [{dropped.Groups["name"].Value}] ", StringComparison.Ordinal));
        }

        facts.AddRange(constraints.Select(c => c.Fact));

        foreach (Match added in AddColumn().Matches(sql))
        {
            facts.Add($"{added.Groups["table"].Value}: {added.Groups["column"].Value.Trim()}");
        }

        // An index a later migration drops (to replace it) is not part of the model any more.
        var indexes = CreateIndex().Matches(sql).Select(m => (m.Index, Text: Regex.Replace(m.Value, @"\s+", " ").Trim())).ToList();
        foreach (Match dropped in DropIndex().Matches(sql))
        {
            indexes.RemoveAll(i => i.Index < dropped.Index && i.Text.Contains($"INDEX [{dropped.Groups["name"].Value}] ON [{dropped.Groups["table"].Value}] ", StringComparison.Ordinal));
        }

        facts.AddRange(indexes.Select(i => i.Text));

        // What a later migration drops is not part of the model any more.
        foreach (Match dropped in DropTable().Matches(sql))
        {
            var table = dropped.Groups["name"].Value;
            facts.RemoveAll(f => f.StartsWith(table + ": ", StringComparison.Ordinal) || f.Contains($" ON [{table}] ", StringComparison.Ordinal));
        }

        foreach (Match dropped in DropColumn().Matches(sql))
        {
            facts.RemoveAll(f => f.StartsWith($"{dropped.Groups["table"].Value}: [{dropped.Groups["column"].Value}] ", StringComparison.Ordinal));
        }

        facts.Sort(StringComparer.Ordinal);
        return facts;
    }

    // The history table is EF's bookkeeping, not the model's.
    [GeneratedRegex(@"CREATE TABLE \[(?<name>(?!__)\w+)\] \((?<body>.*?)\n\s*\);", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"ALTER TABLE \[(?<table>\w+)\] ADD (?<column>\[\w+\] [^;]*);")]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"ALTER TABLE \[(?<table>\w+)\] ADD (?<constraint>CONSTRAINT \[\w+\] [^;]*);")]
    private static partial Regex AddConstraint();

    [GeneratedRegex(@"ALTER TABLE \[(?<table>\w+)\] DROP CONSTRAINT \[(?<name>\w+)\];")]
    private static partial Regex DropConstraint();

    [GeneratedRegex(@"DROP TABLE \[(?<name>\w+)\];")]
    private static partial Regex DropTable();

    [GeneratedRegex(@"DROP INDEX \[(?<name>\w+)\] ON \[(?<table>\w+)\];")]
    private static partial Regex DropIndex();

    [GeneratedRegex(@"ALTER TABLE \[(?<table>\w+)\] DROP COLUMN \[(?<column>\w+)\];")]
    private static partial Regex DropColumn();

    [GeneratedRegex(@"CREATE (UNIQUE )?INDEX \[\w+\] ON \[\w+\] \([^)]*\)( WHERE [^;']*)?")]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"\n    \[\w+\] [^\n]*NULL,")]
    private static partial Regex ColumnLine();
}
