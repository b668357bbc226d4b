using System.Globalization;
using System.Text.RegularExpressions;

namespace Pilotdeck.Data.Identity;

/// <summary>
/// Which email addresses an account may have: a dot-atom local part (letters of any script, digits
/// and RFC 5322's atom symbols, no leading, trailing or doubled dot) at a domain of at least two
/// DNS labels, internationalised names allowed (checked in their ASCII form). Quoted local parts and
/// address literals are legal in RFC 5321 but refused here: nobody signs up with them, and an
/// address that later shows up in a page or a mail header should hold nothing that needs escaping.
/// </summary>
public static partial class EmailAddresses
{
    public const int MaxLength = 320;

    public static bool IsValid(string email)
    {
        var at = email.LastIndexOf('@');
        if (email.Length > MaxLength || at < 1 || at == email.Length - 1)
        {
            return false;
        }

        var local = email[..at];
        string domain;
        try
        {
            domain = new IdnMapping().GetAscii(email[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return false;
        }

        return local.Length <= 64 && LocalPart().IsMatch(local) && Domain().IsMatch(domain);
    }

    [GeneratedRegex(@"^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex LocalPart();

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Domain();
}
