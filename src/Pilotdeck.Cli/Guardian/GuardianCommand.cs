using System.CommandLine;
using System.Text.Json;
using Pilotdeck.Guardian;
using Pilotdeck.Guardian.Artifacts;
using Pilotdeck.Guardian.Comparison;
using Pilotdeck.Guardian.Configuration;
using Pilotdeck.Guardian.Generation;

namespace Pilotdeck.Cli.Guardian;

/// <summary><c>pilotdeck guardian info|analyze|generate-tests</c>: dbt test coverage, offline, from the artifacts alone.</summary>
public sealed class GuardianCommand
{
    private readonly Argument<string> PathArgument = new("path")
    {
        Description = "dbt project directory (reads target/manifest.json) or a target directory.",
        DefaultValueFactory = _ => ".",
    };

    private readonly Option<string> FormatOption = FormatOptionFactory();

    private readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "guardian.yml to use. Default: guardian.yml in the project root, when present.",
    };

    private readonly Option<string[]> IncludeOption = new("--include")
    {
        Description = "Only resources under these paths or globs (repeatable).",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string[]> ExcludeOption = new("--exclude")
    {
        Description = "Leave out resources under these paths or globs (repeatable).",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<bool> IncludePackagesOption = new("--include-packages")
    {
        Description = "Also measure resources of installed packages.",
    };

    private readonly Option<int?> PriorityOption = PriorityOptionFactory();

    private readonly Option<double?> FailUnderOption = new("--fail-under")
    {
        Description = "Exit with code 1 when coverage (see --fail-metric) is below this percent.",
    };

    private readonly Option<string> FailMetricOption = FailMetricOptionFactory();

    private readonly Option<string?> CompareOption = new("--compare")
    {
        Description = "A previous `analyze --format json` output: show the coverage delta and new gaps.",
    };

    private readonly Option<bool> ExpandOption = new("--expand")
    {
        Description = "List every generic not_null gap (priority 5, columns with no tests) instead of one row per model.",
    };

    private readonly Option<bool> MergeOption = new("--merge")
    {
        Description = "Write the tests into the project: merged into each model's YAML, or a new <model>.yml beside it.",
    };

    private readonly Option<string?> PatchOption = new("--patch")
    {
        Description = "Write the changes as a unified diff to this file, for `git apply` at the top of the project's repository.",
    };

    private readonly Option<string?> BranchOption = new("--branch")
    {
        Description = "Commit the merged files on this new local branch (e.g. guardian/tests-20260101); the checkout is not touched, nothing is pushed.",
    };

    private readonly Option<string?> OutputOption = new("--output", "-o")
    {
        Description = "Write the new and updated YAML files under this directory (mirroring project paths) instead of the project.",
    };

    private GuardianCommand()
    {
    }

    /// <summary>Builds the <c>guardian</c> command tree (fresh symbols per call).</summary>
    public static Command Create() => new GuardianCommand().Build();

    private Command Build()
    {
        var guardian = new Command("guardian", "dbt Guardian: test coverage, ranked gaps and schema.yml generation from dbt artifacts.");
        guardian.Subcommands.Add(Info());
        guardian.Subcommands.Add(Analyze());
        guardian.Subcommands.Add(GenerateTests());
        return guardian;
    }

    private Command Info()
    {
        var command = new Command("info", "Show what the manifest holds: dbt version, schema, resources, tests, packages.") { PathArgument, FormatOption };
        command.SetAction((parse, ct) => Run(parse, async (output) =>
        {
            var location = ProjectLocation.Resolve(parse.GetValue(PathArgument)!);
            var project = await Read(location, ct);
            var analysis = GuardianAnalyzer.Analyze(project, new GuardianOptions { IncludePackages = true, Priority = 1 });
            GuardianRenderer.Info(output, parse.GetValue(FormatOption)!, location, analysis.Project, project.Warnings);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private Command Analyze()
    {
        var command = new Command("analyze", "Measure test coverage and list the missing tests that matter, ranked.")
        {
            PathArgument, FormatOption, ConfigOption, IncludeOption, ExcludeOption, IncludePackagesOption,
            PriorityOption, FailUnderOption, FailMetricOption, CompareOption, ExpandOption,
        };
        command.SetAction((parse, ct) => Run(parse, async (output) =>
        {
            var location = ProjectLocation.Resolve(parse.GetValue(PathArgument)!);
            var options = Options(parse, location);
            var project = await Read(location, ct);
            var analysis = GuardianAnalyzer.Analyze(project, options);

            AnalysisComparison? comparison = null;
            if (parse.GetValue(CompareOption) is { } previousPath)
            {
                comparison = AnalysisComparison.Compare(ReadPrevious(previousPath), analysis);
            }
            GuardianRenderer.Analysis(output, parse.GetValue(FormatOption)!, analysis, comparison, options, parse.GetValue(ExpandOption));

            if (parse.GetValue(FailUnderOption) is { } threshold)
            {
                var metric = parse.GetValue(FailMetricOption)!;
                var figure = metric switch
                {
                    "model" => analysis.Coverage.Models,
                    "primary-key" => analysis.Coverage.PrimaryKeys,
                    "unit" => analysis.Coverage.UnitTests,
                    _ => analysis.Coverage.Columns,
                };
                if (!figure.IsMeasurable)
                {
                    parse.InvocationConfiguration.Error.WriteLine(
                        $"{metric} coverage is n/a: there is nothing to measure ({figure.Total} in scope), so --fail-under {threshold:0.##}% cannot pass. " +
                        "Check --include/--exclude, or --include-packages when the models live in packages.");
                    return ExitCodes.BelowThreshold;
                }
                if (figure.Percent < threshold)
                {
                    parse.InvocationConfiguration.Error.WriteLine(
                        $"{metric} coverage {figure.Percent:0.0}% is below --fail-under {threshold:0.##}%.");
                    return ExitCodes.BelowThreshold;
                }
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private Command GenerateTests()
    {
        var command = new Command("generate-tests", "Write schema.yml tests for the gaps: preview by default, --merge into the project, or --output to a directory.")
        {
            PathArgument, ConfigOption, IncludeOption, ExcludeOption, IncludePackagesOption, PriorityOption, MergeOption, OutputOption, PatchOption, BranchOption,
        };
        command.SetAction((parse, ct) => Run(parse, async (output) =>
        {
            var location = ProjectLocation.Resolve(parse.GetValue(PathArgument)!);
            var options = Options(parse, location);
            var project = await Read(location, ct);
            var analysis = GuardianAnalyzer.Analyze(project, options);
            var result = TestGenerator.Generate(project, analysis.Gaps, options.Priority, location);
            foreach (var warning in project.Warnings.Concat(result.Warnings))
            {
                parse.InvocationConfiguration.Error.WriteLine($"warning: {warning}");
            }

            var outputDirectory = parse.GetValue(OutputOption);
            var (patch, branch) = (parse.GetValue(PatchOption), parse.GetValue(BranchOption));
            if (patch is not null || branch is not null)
            {
                await GitHandOff.HandOffAsync(output, result, location, options.Priority, patch, branch, ct);
            }
            else if (parse.GetValue(MergeOption) || outputDirectory is not null)
            {
                await GeneratedFileWriter.WriteAsync(output, result, location, outputDirectory, ct);
            }
            else
            {
                GuardianRenderer.Preview(output, result);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static async Task<int> Run(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await body(parse.InvocationConfiguration.Output);
        }
        catch (Exception ex) when (ex is GuardianInputException or ArtifactFormatException or GuardianConfigException)
        {
            error.WriteLine($"error: {ex.Message}");
            return ExitCodes.InputError;
        }
    }

    private static async Task<DbtProject> Read(ProjectLocation location, CancellationToken ct)
    {
        await using var manifest = new FileStream(location.ManifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var catalog = location.CatalogPath is null ? null : File.OpenRead(location.CatalogPath);
        return await ManifestReader.ReadAsync(manifest, catalog, ct);
    }

    private GuardianOptions Options(ParseResult parse, ProjectLocation location)
    {
        var configPath = parse.GetValue(ConfigOption) ?? Path.Combine(location.ProjectRoot, GuardianConfigLoader.FileName);
        GuardianOptions options;
        if (File.Exists(configPath))
        {
            options = GuardianConfigLoader.Parse(File.ReadAllText(configPath));
        }
        else if (parse.GetValue(ConfigOption) is not null)
        {
            throw new GuardianInputException($"{configPath} does not exist.");
        }
        else
        {
            options = new GuardianOptions();
        }
        options.Include.AddRange(parse.GetValue(IncludeOption) ?? []);
        options.Exclude.AddRange(parse.GetValue(ExcludeOption) ?? []);
        options.IncludePackages |= parse.GetValue(IncludePackagesOption);
        if (parse.GetValue(PriorityOption) is { } priority)
        {
            options.Priority = priority;
        }
        return options;
    }

    private static GuardianAnalysis ReadPrevious(string path)
    {
        if (!File.Exists(path))
        {
            throw new GuardianInputException($"--compare: {path} does not exist. Save one with `pilotdeck guardian analyze --format json > {path}`.");
        }
        try
        {
            return GuardianJson.DeserializeAnalysis(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new GuardianInputException($"--compare: {path} is not an `analyze --format json` output ({ex.Message}).");
        }
    }

    private static Option<string> FormatOptionFactory()
    {
        var option = new Option<string>("--format", "-f")
        {
            Description = "Output format: table, json or markdown.",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "json", "markdown");
        return option;
    }

    private static Option<string> FailMetricOptionFactory()
    {
        var option = new Option<string>("--fail-metric")
        {
            Description = "Coverage figure --fail-under checks: column, model, primary-key or unit.",
            DefaultValueFactory = _ => "column",
        };
        option.AcceptOnlyFromAmong("column", "model", "primary-key", "unit");
        return option;
    }

    private static Option<int?> PriorityOptionFactory()
    {
        var option = new Option<int?>("--priority", "-p")
        {
            Description = "Only gaps of this priority or more important (1 = primary keys … 5 = all). Default: guardian.yml, else 5.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } p && p is < 1 or > 5)
            {
                result.AddError("--priority must be between 1 and 5.");
            }
        });
        return option;
    }
}
