namespace Pilotdeck.Portal.Infrastructure;

/// <summary>The portal's menu: one entry per capability the portal has.</summary>
public static class Navigation
{
    public static IReadOnlyList<NavItem> Workspace { get; } =
    [
        new("/Home/Index", "Home"),
        new("/Cohorts/Index", "Cohorts"),
        new("/Feedback/Index", "Feedback"),
        new("/Backlog/Index", "Backlog"),
        new("/Imports/Index", "Imports"),
        new("/Receipts/Index", "Receipts"),
        new("/Approvals/Index", "Approvals"),
        new("/Guardian/Index", "dbt Guardian"),
    ];

    /// <summary>The host mounts Hangfire's dashboard here for installation operators.</summary>
    public const string JobsDashboardPath = "/jobs";

    public static IReadOnlyList<NavItem> Admin { get; } =
    [
        new("/Admin/Members/Index", "Members"),
        new("/Admin/ApiClients/Index", "API clients"),
        new("/Admin/Jobs/Index", "Job runs"),
        new("/Policy/Index", "Policy"),
        new("/Admin/Notifications/Index", "Notifications"),
        new("/Admin/Retention/Index", "Data retention"),
        new("/Admin/SubjectExport/Index", "Subject export"),
    ];
}

/// <param name="Page">The Razor page name; its folder counts as "current" for every page inside it.</param>
public sealed record NavItem(string Page, string Label)
{
    public bool IsCurrent(string? currentPage) =>
        currentPage is not null && (currentPage == Page || currentPage.StartsWith(Page[..Page.LastIndexOf('/')] + "/", StringComparison.Ordinal));
}
