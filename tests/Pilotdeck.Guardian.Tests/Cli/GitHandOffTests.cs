using System.Diagnostics;
using Pilotdeck.Cli;
using Pilotdeck.Guardian.Generation;
using Pilotdeck.Guardian.Tests.TestSupport;

namespace Pilotdeck.Guardian.Tests.Cli;

/// <summary>
/// generate-tests --patch and --branch against a real git repository whose dbt project sits in a
/// subdirectory (analytics/), the layout that trips path prefixes.
/// </summary>
public sealed class GitHandOffTests : IDisposable
{
    private const string OrdersYaml = "# orders\nmodels:\n  - name: orders\n    columns:\n      - name: ordered_at  # when\n";
    private readonly string _repo = Directory.CreateTempSubdirectory("guardian-git-").FullName;

    public GitHandOffTests()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "dev@example.test");
        Git("config", "user.name", "Dev");
        Directory.CreateDirectory(Path.Combine(Project, "target"));
        Directory.CreateDirectory(Path.Combine(Project, "models", "marts"));
        // orders has YAML to merge into; customers has none, so the hand-off also creates a file.
        var manifest = new ManifestBuilder()
            .Model("orders", ["order_id", "ordered_at"], "models/marts", patchPath: "models/marts/orders.yml")
            .Model("customers", ["customer_id", "first_order_at"], "models/marts");
        File.WriteAllText(Path.Combine(Project, "target", "manifest.json"), manifest.Json());
        File.WriteAllText(Path.Combine(Project, ".gitignore"), "target/\n");
        File.WriteAllText(Path.Combine(Project, "models", "marts", "orders.yml"), OrdersYaml);
        Git("add", ".");
        Git("commit", "-q", "-m", "project");
    }

    private string Project => Path.Combine(_repo, "analytics");

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    [Fact]
    public async Task Patch_GitApplyAcceptsItAtTheRepositoryTop_AndItEqualsMerge()
    {
        var patch = Path.Combine(_repo, "..", Path.GetFileName(_repo) + ".diff");
        try
        {
            var (exit, output, error) = await Run("guardian", "generate-tests", Project, "--priority", "4", "--patch", patch);

            Assert.True(exit == 0, error);
            Assert.Contains("wrote ", output);
            var diff = await File.ReadAllTextAsync(patch);
            Assert.Contains("--- a/analytics/models/marts/orders.yml", diff);
            Assert.Contains("+++ b/analytics/models/marts/orders.yml", diff);
            Assert.Contains("new file mode", diff);
            Assert.Contains("+++ b/analytics/models/marts/customers.yml", diff);
            Git("apply", "--check", patch);
            Git("apply", patch);

            // What the patch made is what --merge would write, and dbt's schema accepts it.
            var applied = await File.ReadAllTextAsync(Path.Combine(Project, "models", "marts", "orders.yml"));
            Git("checkout", "-q", "--", ".");
            Git("clean", "-qfd", "--", "analytics/models");
            Assert.Equal(0, (await Run("guardian", "generate-tests", Project, "--priority", "4", "--merge")).Exit);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Project, "models", "marts", "orders.yml")), applied);
            Assert.StartsWith(OrdersYaml.TrimEnd('\n') + "\n        data_tests:\n          - not_null\n", applied);
            DbtSchemas.AssertValid(applied, YamlDialect.For(new Version(1, 10)), "orders.yml");
            DbtSchemas.AssertValid(await File.ReadAllTextAsync(Path.Combine(Project, "models", "marts", "customers.yml")), YamlDialect.For(new Version(1, 10)), "customers.yml");
        }
        finally
        {
            File.Delete(patch);
        }
    }

    [Fact]
    public async Task Branch_CommitsTheMergedFilesWithWhyAndLeavesTheCheckoutAlone()
    {
        var head = Git("rev-parse", "HEAD").Trim();

        var (exit, output, error) = await Run("guardian", "generate-tests", Project, "--priority", "4", "--branch", "guardian/tests-20261203");

        Assert.True(exit == 0, error);
        Assert.Contains("on branch guardian/tests-20261203", output);
        Assert.Equal(head, Git("rev-parse", "HEAD").Trim());
        Assert.Equal("main", Git("branch", "--show-current").Trim());
        Assert.Equal("", Git("status", "--porcelain").Trim());
        Assert.Equal(OrdersYaml, await File.ReadAllTextAsync(Path.Combine(Project, "models", "marts", "orders.yml")));

        Assert.Equal(head, Git("rev-parse", "guardian/tests-20261203^").Trim());
        var message = Git("log", "-1", "--format=%B", "guardian/tests-20261203");
        Assert.StartsWith("Add ", message);
        Assert.Contains("analytics/models/marts/orders.yml", Git("show", "--name-only", "--format=", "guardian/tests-20261203"));
        Assert.Contains("models/marts/orders.yml (merged):", message);
        Assert.Contains("models/marts/customers.yml (new file):", message);
        Assert.Matches(@"- customers\.customer_id: unique: .+", message);
        Assert.Matches(@"- orders\.ordered_at: not_null: .+", message);
        var committed = Git("show", "guardian/tests-20261203:analytics/models/marts/orders.yml");
        Assert.StartsWith(OrdersYaml, committed.Replace("        data_tests:\n          - not_null\n", "", StringComparison.Ordinal));
        DbtSchemas.AssertValid(committed, YamlDialect.For(new Version(1, 10)), "orders.yml on the branch");

        var again = await Run("guardian", "generate-tests", Project, "--priority", "4", "--branch", "guardian/tests-20261203");
        Assert.Equal(2, again.Exit);
        Assert.Contains("already exists", again.Err);
    }

    [Fact]
    public async Task Branch_UncommittedEditsInATargetFile_AreRefused()
    {
        await File.AppendAllTextAsync(Path.Combine(Project, "models", "marts", "orders.yml"), "      - name: order_total\n");

        var (exit, _, error) = await Run("guardian", "generate-tests", Project, "--priority", "4", "--branch", "guardian/tests-dirty");

        Assert.Equal(2, exit);
        Assert.Contains("not committed yet", error);
        Assert.Equal("", Git("branch", "--list", "guardian/tests-dirty").Trim());
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliRoot.Create().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {stderr}");
        return stdout.Result;
    }
}
