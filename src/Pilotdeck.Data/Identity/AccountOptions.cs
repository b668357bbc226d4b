namespace Pilotdeck.Data.Identity;

/// <summary>Password and lockout policy, bound from <c>Pilotdeck:Accounts</c>.</summary>
public sealed class AccountOptions
{
    public const string Section = "Pilotdeck:Accounts";

    /// <summary>Defaults to 12: length is what makes a password strong (NIST SP 800-63B), not character classes.</summary>
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>Defaults to 256, bounding the hashing work an attacker can request.</summary>
    public int MaxPasswordLength { get; set; } = 256;

    /// <summary>Defaults to 5 consecutive failures before the account locks.</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    /// <summary>Defaults to 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}
