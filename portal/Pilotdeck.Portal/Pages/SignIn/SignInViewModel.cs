namespace Pilotdeck.Portal.Pages.SignIn;

/// <summary>Why the user is looking at the sign-in form, shown above it.</summary>
public sealed record SignInViewModel(string? Notice)
{
    public static SignInViewModel For(bool expired, string? switchingTo) => new(
        switchingTo is not null ? $"Enter your password to switch to {switchingTo}. Tokens are issued per tenant, so switching is a new sign-in."
        : expired ? "Your session has ended. Sign in again to continue."
        : null);
}
