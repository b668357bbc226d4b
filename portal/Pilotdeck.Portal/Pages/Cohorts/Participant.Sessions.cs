using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Net.Http.Headers;
using Pilotdeck.Client;
using Pilotdeck.Client.Sessions;
using Pilotdeck.Contracts.Sessions.V1;
using Pilotdeck.Portal.Infrastructure;

namespace Pilotdeck.Portal.Pages.Cohorts;

/// <summary>The participant page's UAT sessions: the list, recording one with an optional attachment, downloading attachments.</summary>
public sealed partial class ParticipantModel
{
    private static readonly FieldMap SessionFields = new FieldMap()
        .Add("session.session_date", "SessionInput.SessionDate", "Session date")
        .Add("session.satisfaction", "SessionInput.Satisfaction", "Satisfaction")
        .Add("session.trust", "SessionInput.Trust", "Trust")
        .Add("session.summary", "SessionInput.Summary", "Summary")
        .Add("session.follow_up", "SessionInput.FollowUp", "Follow-up")
        .Add("metadata.content_type", "SessionInput.File", "Attachment")
        .Add("metadata.file_name", "SessionInput.File", "Attachment")
        .Add("chunk", "SessionInput.File", "Attachment");

    [BindProperty]
    public SessionForm SessionInput { get; set; } = new();

    public IReadOnlyList<Session> Sessions { get; private set; } = [];

    public IReadOnlyList<Attachment> Attachments { get; private set; } = [];

    private async Task LoadSessionsAsync(int pageSize)
    {
        Sessions = (await Api.Sessions.ListSessionsAsync(new ListSessionsRequest { ParticipantId = Id, PageSize = pageSize }, cancellationToken: Aborted)).Sessions;
        Attachments = (await Api.Sessions.ListAttachmentsAsync(new ListAttachmentsRequest { ParticipantId = Id, PageSize = pageSize }, cancellationToken: Aborted)).Attachments;
    }

    /// <summary>Records a session and, when a file came with it, uploads that file as the session's attachment.</summary>
    public async Task<IActionResult> OnPostSessionAsync()
    {
        Session session;
        try
        {
            session = (await Api.Sessions.CreateSessionAsync(new CreateSessionRequest
            {
                RequestId = SessionInput.RequestId,
                Session = new Session
                {
                    ParticipantId = Id, SessionDate = SessionInput.SessionDate ?? "", Satisfaction = SessionInput.Satisfaction, Trust = SessionInput.Trust,
                    Summary = SessionInput.Summary ?? "", FollowUp = SessionInput.FollowUp ?? "",
                },
            }, cancellationToken: Aborted)).Session;
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            return await ShowAgainAsync(ParticipantForms.Session, ex, SessionFields);
        }

        if (SessionInput.File is not { Length: > 0 } file)
        {
            FlashNext("Session recorded.");
            return RedirectToPage("/Cohorts/Participant", new { id = Id });
        }

        try
        {
            await UploadAsync(file, session.SessionId);
            FlashNext($"Session recorded with {file.FileName}.");
            return RedirectToPage("/Cohorts/Participant", new { id = Id });
        }
        catch (RpcException ex) when (ApiProblem.IsShowable(ex))
        {
            // The session stands: the form starts afresh (with a new request id), or a second submit
            // would record it again; so an upload the policy held gets no approval field here.
            ModelState.Clear();
            SessionInput = new SessionForm();
            await OnGetAsync();
            ShowProblem(ex, SessionFields);
            Problem = Problem! with { Title = "The session was recorded, but its attachment was refused." };
            return Page();
        }
    }

    /// <summary>Streams an attachment to the browser as a download.</summary>
    public async Task<IActionResult> OnGetAttachmentAsync(string attachmentId)
    {
        using var call = Api.Sessions.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = attachmentId }, cancellationToken: Aborted);
        try
        {
            if (!await call.ResponseStream.MoveNext(Aborted))
            {
                return NotFound();
            }
        }
        catch (RpcException ex) when (ex.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return NotFound();
        }

        var attachment = call.ResponseStream.Current.Attachment;
        Response.ContentType = attachment.ContentType;
        Response.ContentLength = attachment.SizeBytes;
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = attachment.FileName }.ToString();
        while (await call.ResponseStream.MoveNext(Aborted))
        {
            await Response.Body.WriteAsync(call.ResponseStream.Current.Chunk.Memory, Aborted);
        }

        return new EmptyResult();
    }

    private async Task UploadAsync(IFormFile file, string sessionId)
    {
        // The browser's type when it names one attachments take, else the one the extension suggests.
        var sent = file.ContentType ?? "";
        var type = sent.Length > 0 && sent != "application/octet-stream" ? sent : AttachmentTypes.FromFileName(file.FileName) ?? sent;
        var metadata = new UploadAttachmentMetadata { RequestId = Guid.NewGuid().ToString(), ParticipantId = Id, SessionId = sessionId, FileName = file.FileName, ContentType = type };
        await using var content = file.OpenReadStream();
        await Api.Sessions.UploadAttachmentAsync(metadata, content, deadline: DateTime.UtcNow + SessionForm.UploadDeadline, cancellationToken: Aborted);
    }
}

/// <summary>The participant page's session form.</summary>
public sealed class SessionForm
{
    /// <summary>The server's default attachment limit (200 MiB) plus the form's text and boundaries; a lower server limit still answers UPLOAD_TOO_LARGE.</summary>
    public const long MaxFormBytes = 201L * 1024 * 1024;

    /// <summary>Uploading a recording of hundreds of megabytes takes longer than the portal's page-sized deadline.</summary>
    public static readonly TimeSpan UploadDeadline = TimeSpan.FromMinutes(10);

    /// <summary>One per form shown, so a double submit records the session once.</summary>
    public string RequestId { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The score choices: 0 stands for "not chosen", which the server refuses by name.</summary>
    public static readonly IReadOnlyList<SelectListItem> Scores =
        [new("Choose 1–5", "0"), .. Enumerable.Range(1, 5).Select(n => new SelectListItem(n.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture)))];

    [Display(Name = "Session date")]
    public string? SessionDate { get; set; }

    public int Satisfaction { get; set; }

    public int Trust { get; set; }

    public string? Summary { get; set; }

    [Display(Name = "Follow-up")]
    public string? FollowUp { get; set; }

    [Display(Name = "Attachment")]
    public IFormFile? File { get; set; }
}
