namespace Pilotdeck.Portal.Infrastructure;

/// <summary>What a placeholder page says about the capability that will live there.</summary>
public sealed record ComingSoonViewModel(string Title, string Summary);
