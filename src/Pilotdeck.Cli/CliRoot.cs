using System.CommandLine;
using Pilotdeck.Cli.Admin;
using Pilotdeck.Cli.Api;
using Pilotdeck.Cli.Cohorts;
using Pilotdeck.Cli.Db;
using Pilotdeck.Cli.Guardian;
using Pilotdeck.Cli.Imports;
using Pilotdeck.Cli.Login;
using Pilotdeck.Cli.Notifications;
using Pilotdeck.Cli.Policy;
using Pilotdeck.Cli.Receipts;
using Pilotdeck.Cli.Retention;
using Pilotdeck.Cli.Rehearsal;
using Pilotdeck.Cli.Sessions;

namespace Pilotdeck.Cli;

/// <summary>The <c>pilotdeck</c> root command; each feature contributes one subcommand tree.</summary>
public static class CliRoot
{
    /// <summary>Builds the root command with every feature's subcommands, for this process's environment.</summary>
    public static RootCommand Create() => Create(CliEnvironment.FromProcess());

    /// <summary>Builds the root command reading environment, profiles and prompts from <paramref name="environment"/> (tests pass their own).</summary>
    public static RootCommand Create(CliEnvironment environment)
    {
        var api = new ApiContext(environment);
        var root = new RootCommand("Pilotdeck: the control plane for product pilots.");
        root.Options.Add(api.ServerOption);
        root.Options.Add(api.ProfileOption);
        foreach (var command in LoginCommands.Create(api))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(AdminCommand.Create(api, environment));
        root.Subcommands.Add(DbCommand.Create(environment));
        root.Subcommands.Add(GuardianCommand.Create());
        root.Subcommands.Add(ReceiptsCommand.Create(api));
        root.Subcommands.Add(PolicyCommand.Create(api));
        root.Subcommands.Add(ApprovalsCommand.Create(api));
        root.Subcommands.Add(CohortCommand.Create(api));
        root.Subcommands.Add(FollowupsCommand.Create(api));
        root.Subcommands.Add(DataSubjectExportCommand.Create(api));
        root.Subcommands.Add(Feedback.FeedbackCommand.Create(api));
        root.Subcommands.Add(Backlog.BacklogCommand.Create(api));
        root.Subcommands.Add(NotificationsCommand.Create(api));
        root.Subcommands.Add(ImportsCommand.Create(api));
        root.Subcommands.Add(Jobs.JobsCommand.Create(api));
        root.Subcommands.Add(MembersCommand.Create(api));
        root.Subcommands.Add(UatSessionsCommand.Create(api));
        root.Subcommands.Add(RetentionCommand.Create(api));
        root.Subcommands.Add(RetentionCommand.Erase(api));
        root.Subcommands.Add(RehearseCommand.Create(api));
        return root;
    }
}
