using System.ComponentModel.DataAnnotations;

namespace Pilotdeck.Portal.Pages.SignIn;

/// <summary>What the sign-in form posts.</summary>
public sealed class SignInInput
{
    [Required(ErrorMessage = "Enter your email address.")]
    [Display(Name = "Email")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string Password { get; set; } = "";

    /// <summary>Empty signs in to the first tenant the account belongs to.</summary>
    [Display(Name = "Tenant ID (optional)")]
    public string? Tenant { get; set; }
}
