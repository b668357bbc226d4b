namespace Pilotdeck.Data.Identity;

/// <summary>A request the identity core refuses on its merits (weak password, taken email, unknown scope).</summary>
public sealed class IdentityValidationException(IReadOnlyList<string> errors)
    : Exception("Identity validation failed: " + string.Join(", ", errors))
{
    /// <summary>Stable snake_case codes such as <c>password_too_short</c>, suitable as API error reasons.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
