namespace Pilotdeck.Data.Identity;

/// <summary>
/// A person who signs in to the portal. Users are global because one person may belong to several
/// tenants; what they may see is decided by <see cref="Membership"/>.
/// </summary>
public sealed class User
{
    public required string Id { get; init; }
    public required string Email { get; set; }

    /// <summary>Upper-invariant email, the unique lookup key, so that sign-in ignores case.</summary>
    public required string NormalizedEmail { get; set; }

    public string PasswordHash { get; set; } = "";
    public int AccessFailedCount { get; set; }
    public DateTimeOffset? LockoutEnd { get; set; }
    public bool Disabled { get; set; }

    /// <summary>
    /// Runs the Pilotdeck installation itself (the jobs dashboard, tenants), across tenants. A flag
    /// on the person, not a tenant role: it is not granted by any tenant's admin.
    /// </summary>
    public bool InstallationOperator { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    internal static string Normalize(string email) => email.Trim().ToUpperInvariant();
}
