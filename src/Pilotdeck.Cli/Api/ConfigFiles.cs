namespace Pilotdeck.Cli.Api;

/// <summary>Writing files in the CLI's config directory: readable by the owner only, replaced atomically.</summary>
public static class ConfigFiles
{
    /// <summary>Writes a temporary file created with mode 600 and renames it over <paramref name="path"/>, so the content is never world-readable, not even briefly, and never half-written.</summary>
    public static void WriteOwnerOnly(string directory, string path, Action<Stream> write)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            write(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
