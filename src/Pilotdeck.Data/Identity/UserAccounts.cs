using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pilotdeck.Data.Tenancy;

namespace Pilotdeck.Data.Identity;

public enum SignInStatus
{
    Succeeded,
    InvalidCredentials,
    LockedOut,
    Disabled,
}

/// <param name="User">Set only when <see cref="Status"/> is <see cref="SignInStatus.Succeeded"/>.</param>
public sealed record SignInResult(SignInStatus Status, User? User = null);

/// <summary>Portal users: registration, password sign-in with lockout, tenant memberships.</summary>
public sealed class UserAccounts(PilotdeckDbContext db, IPasswordHasher<User> hasher, IOptions<AccountOptions> options, TimeProvider time)
{
    private static readonly User Decoy = new() { Id = "", Email = "", NormalizedEmail = "" };

    // Made with the configured hasher so that checking it costs what checking a real hash costs.
    private static string? _decoyHash;

    private AccountOptions Options => options.Value;

    /// <exception cref="IdentityValidationException">Invalid email, weak password, or the email is taken.</exception>
    public async Task<User> CreateAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        var errors = new List<string>();
        if (!EmailAddresses.IsValid(email))
        {
            errors.Add("email_invalid");
        }
        errors.AddRange(PasswordRules.Validate(password, email, Options));
        var normalized = User.Normalize(email);
        if (errors.Count == 0 && await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
        {
            errors.Add("email_taken");
        }
        if (errors.Count > 0)
        {
            throw new IdentityValidationException(errors);
        }

        var user = new User { Id = Secrets.NewId(), Email = email, NormalizedEmail = normalized, CreatedAt = time.GetUtcNow() };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>
    /// An account without a password, for a member added by an import: it cannot sign in until an
    /// admin sets a password. The caller saves (imports add many in one transaction).
    /// </summary>
    /// <exception cref="IdentityValidationException">Invalid email.</exception>
    public Task<User> CreateWithoutPasswordAsync(string email, CancellationToken cancellationToken = default)
    {
        email = email.Trim();
        if (!EmailAddresses.IsValid(email))
        {
            throw new IdentityValidationException(["email_invalid"]);
        }

        var user = new User { Id = Secrets.NewId(), Email = email, NormalizedEmail = User.Normalize(email), CreatedAt = time.GetUtcNow() };
        db.Users.Add(user);
        return Task.FromResult(user);
    }

    /// <summary>The users with these normalised emails (see <see cref="NormalizeEmail"/>), by normalised email.</summary>
    public async Task<Dictionary<string, User>> FindByNormalizedEmailsAsync(IReadOnlyCollection<string> normalized, CancellationToken cancellationToken = default) =>
        await db.Users.Where(u => normalized.Contains(u.NormalizedEmail)).ToDictionaryAsync(u => u.NormalizedEmail, cancellationToken);

    /// <summary>The lookup form of an email: how two spellings of one address compare equal.</summary>
    public static string NormalizeEmail(string email) => User.Normalize(email);

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var normalized = User.Normalize(email);
        return db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
    }

    /// <summary>Replaces the password and lifts any lockout.</summary>
    /// <exception cref="IdentityValidationException">The password breaks a rule.</exception>
    public async Task SetPasswordAsync(User user, string password, CancellationToken cancellationToken = default)
    {
        var errors = PasswordRules.Validate(password, user.Email, Options);
        if (errors.Count > 0)
        {
            throw new IdentityValidationException(errors);
        }
        user.PasswordHash = hasher.HashPassword(user, password);
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Checks a password, counting failures towards lockout. A disabled account is only reported
    /// as such to a caller who knows its password.
    /// </summary>
    public async Task<SignInResult> PasswordSignInAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var user = await FindByEmailAsync(email, cancellationToken);
        if (user is null)
        {
            // Spend the same hashing time as for a real account so response times do not reveal which emails exist.
            _decoyHash ??= hasher.HashPassword(Decoy, Secrets.New(""));
            hasher.VerifyHashedPassword(Decoy, _decoyHash, password);
            return new SignInResult(SignInStatus.InvalidCredentials);
        }

        var now = time.GetUtcNow();
        if (user.LockoutEnd > now)
        {
            return new SignInResult(SignInStatus.LockedOut);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            user.AccessFailedCount++;
            if (user.AccessFailedCount >= Options.MaxFailedAccessAttempts)
            {
                user.LockoutEnd = now + Options.LockoutDuration;
                user.AccessFailedCount = 0;
            }
            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(user.LockoutEnd > now ? SignInStatus.LockedOut : SignInStatus.InvalidCredentials);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        await db.SaveChangesAsync(cancellationToken);
        return user.Disabled ? new SignInResult(SignInStatus.Disabled) : new SignInResult(SignInStatus.Succeeded, user);
    }

    /// <summary>Adds the user to the tenant bound to the current scope, or changes their role there.</summary>
    public async Task<Membership> SetMembershipAsync(string userId, MemberRole role, CancellationToken cancellationToken = default)
    {
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, cancellationToken);
        if (membership is null)
        {
            membership = new Membership { UserId = userId, Role = role, CreatedAt = time.GetUtcNow() };
            db.Memberships.Add(membership);
        }
        membership.Role = role;
        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    /// <summary>
    /// All tenants the user belongs to, across tenants: the portal's tenant picker runs before any
    /// tenant is bound. Read-only, and limited to the user's own rows.
    /// </summary>
    public async Task<IReadOnlyList<Membership>> ListMembershipsAsync(string userId, CancellationToken cancellationToken = default)
        => await db.Memberships.AsNoTracking()
            .IgnoreQueryFilters([PilotdeckDbContext.TenantFilter])
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.TenantId)
            .ToListAsync(cancellationToken);
}
