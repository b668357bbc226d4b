using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Pilotdeck.Contracts.Cohorts.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>
/// The follow-up message templates in effect for the tenant (its own and the shipped ones it has
/// not replaced); facilitators set one for a kind, channel and locale (UpdateFollowupTemplate),
/// and the API's refusals (an unknown placeholder, a bad locale) show at their field.
/// </summary>
public sealed class TemplatesModel : PortalPageModel
{
    internal static readonly FieldMap Fields = new FieldMap()
        .Add("template.kind", "Input.Kind", "Kind")
        .Add("template.channel", "Input.Channel", "Channel")
        .Add("template.locale", "Input.Locale", "Locale")
        .Add("template.subject", "Input.Subject", "Subject")
        .Add("template.body", "Input.Body", "Body");

    /// <summary>The kinds the API knows (followups.proto): a nudge, and the "your blocker is fixed" message.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["nudge", "fixed"];

    public static IReadOnlyList<string> Placeholders { get; } = ["{alias}", "{cohort}", "{cohort_title}", "{days}", "{release}"];

    [BindProperty]
    public TemplateInput Input { get; set; } = new();

    public IReadOnlyList<FollowupTemplate> Templates { get; private set; } = [];

    /// <summary>Opens the list; <paramref name="kind"/>, <paramref name="channel"/> and <paramref name="locale"/> pick the template to edit.</summary>
    public async Task OnGetAsync(string? kind, string? channel, string? locale)
    {
        await LoadAsync();
        var chosen = Templates.FirstOrDefault(t => t.Kind == kind && t.Channel == channel && t.Locale == locale);
        Input = chosen is null
            ? new TemplateInput { Kind = kind ?? "nudge", Channel = channel ?? "*", Locale = locale }
            : new TemplateInput { Kind = chosen.Kind, Channel = chosen.Channel, Locale = chosen.Locale, Subject = chosen.Subject, Body = chosen.Body };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            var saved = (await Api.Followups.UpdateFollowupTemplateAsync(new UpdateFollowupTemplateRequest
            {
                Template = new FollowupTemplate
                {
                    Kind = Input.Kind ?? "", Channel = Input.Channel?.Trim() ?? "", Locale = Input.Locale?.Trim() ?? "", Subject = Input.Subject ?? "", Body = Input.Body ?? "",
                },
            }, cancellationToken: Aborted)).Template;
            FlashNext($"The {saved.Kind} template for {FollowupsModel.ChannelLabel(saved.Channel)} in {saved.Locale} was saved.");
            return RedirectToPage("/Cohorts/Templates");
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            ShowProblem(ex, Fields);
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            Templates = (await Api.Followups.ListFollowupTemplatesAsync(new ListFollowupTemplatesRequest(), cancellationToken: Aborted)).Templates;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            Problem ??= ApiProblem.From(ex);
        }
    }
}

public sealed class TemplateInput
{
    [Display(Name = "Kind")]
    public string? Kind { get; set; }

    [Display(Name = "Channel")]
    public string? Channel { get; set; }

    [Display(Name = "Locale")]
    public string? Locale { get; set; }

    [Display(Name = "Subject")]
    public string? Subject { get; set; }

    [Display(Name = "Body")]
    public string? Body { get; set; }
}
