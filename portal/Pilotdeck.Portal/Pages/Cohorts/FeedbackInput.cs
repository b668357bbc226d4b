using System.ComponentModel.DataAnnotations;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>What the participant page's feedback form posts.</summary>
public sealed class FeedbackInput
{
    /// <summary>A double submit of the same form records the feedback once.</summary>
    public string RequestId { get; set; } = "";

    [Display(Name = "Rating")]
    public int? Rating { get; set; }

    [Display(Name = "Sentiment")]
    public string? Sentiment { get; set; }

    [Display(Name = "Highlights")]
    public string? Highlights { get; set; }

    [Display(Name = "Blockers")]
    public string? Blockers { get; set; }

    /// <summary>The non-blank lines of a textarea, as the API's list (blank lines are layout, not items).</summary>
    public static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    /// <summary>
    /// Where the API's violations go: an item's violation (<c>blockers[1]</c>) names the line it
    /// refused, since the list's indexes skip the blank lines the person sees.
    /// </summary>
    public static FieldMap Fields(IReadOnlyList<string> highlights, IReadOnlyList<string> blockers)
    {
        var fields = new FieldMap()
            .Add("rating", "Feedback.Rating", "Rating")
            .Add("sentiment", "Feedback.Sentiment", "Sentiment")
            .Add("highlights", "Feedback.Highlights", "Highlights")
            .Add("blockers", "Feedback.Blockers", "Blockers");
        for (var i = 0; i < highlights.Count; i++)
        {
            fields.Add($"highlights[{i}]", "Feedback.Highlights", $"Highlight “{FeedbackCharts.Short(highlights[i], 40)}”");
        }

        for (var i = 0; i < blockers.Count; i++)
        {
            fields.Add($"blockers[{i}]", "Feedback.Blockers", $"Blocker “{FeedbackCharts.Short(blockers[i], 40)}”");
        }

        return fields;
    }
}
