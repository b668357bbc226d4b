using System.CommandLine;
using Pilotdeck.Cli.Guardian;

namespace Pilotdeck.Cli;

/// <summary>The <c>pilotdeck</c> root command; each feature contributes one subcommand tree.</summary>
public static class CliRoot
{
    /// <summary>Builds the root command with every feature's subcommands.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("Pilotdeck: the control plane for product pilots.");
        root.Subcommands.Add(GuardianCommand.Create());
        return root;
    }
}
