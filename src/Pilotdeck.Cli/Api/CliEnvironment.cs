using System.Collections;

namespace Pilotdeck.Cli.Api;

/// <summary>
/// What the CLI reads from its surroundings: environment variables, where profiles live, and
/// whether a person is at the keyboard to be asked for a password. Tests pass their own, so
/// in-process runs neither share nor touch the real home directory.
/// </summary>
public sealed class CliEnvironment
{
    private readonly IReadOnlyDictionary<string, string> _variables;

    public CliEnvironment(IReadOnlyDictionary<string, string> variables, bool isInteractive, Func<string, string?> readSecret)
    {
        _variables = variables;
        IsInteractive = isInteractive;
        ReadSecret = readSecret;
    }

    /// <summary>The process's own environment and console.</summary>
    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string ?? "";
        }

        return new CliEnvironment(variables, !Console.IsInputRedirected, ReadHiddenLine);
    }

    /// <summary>True when stdin is a terminal, so prompting makes sense.</summary>
    public bool IsInteractive { get; }

    /// <summary>Asks for a secret with the given prompt, without echoing it; null when input ended.</summary>
    public Func<string, string?> ReadSecret { get; }

    public IReadOnlyDictionary<string, string> Variables => _variables;

    public string? Get(string name) => _variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary><c>$XDG_CONFIG_HOME/pilotdeck</c>, else <c>~/.config/pilotdeck</c> (the XDG default).</summary>
    public string ConfigDirectory =>
        Path.Combine(Get("XDG_CONFIG_HOME") ?? Path.Combine(Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "pilotdeck");

    private static string? ReadHiddenLine(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
