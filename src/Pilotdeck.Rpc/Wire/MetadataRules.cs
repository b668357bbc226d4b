namespace Pilotdeck.Rpc;

/// <summary>The character rules for metadata keys and ASCII values.</summary>
internal static class MetadataRules
{
    public static bool IsValidKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            var ok = c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidAsciiValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
