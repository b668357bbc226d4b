namespace Pilotdeck.Data.Identity;

public static class PasswordRules
{
    /// <summary>Returns the rule violations of <paramref name="password"/> as error codes; empty when acceptable.</summary>
    public static IReadOnlyList<string> Validate(string password, string email, AccountOptions options)
    {
        var errors = new List<string>();
        if (password.Length < options.MinPasswordLength)
        {
            errors.Add("password_too_short");
        }
        if (password.Length > options.MaxPasswordLength)
        {
            errors.Add("password_too_long");
        }
        if (password.Distinct().Count() < 5)
        {
            errors.Add("password_too_repetitive");
        }
        var localPart = email.Split('@')[0];
        if (localPart.Length >= 3 && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("password_contains_email");
        }
        return errors;
    }
}
