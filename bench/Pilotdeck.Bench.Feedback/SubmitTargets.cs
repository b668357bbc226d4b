using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Pilotdeck.Bench.Api;
using Pilotdeck.Contracts.Feedback.V1;

namespace Pilotdeck.Bench.Feedback;

/// <summary>One h2load target of the submit benchmark: the path, its request body, content type and headers.</summary>
internal sealed record SubmitTarget(string Name, string Path, byte[] Body, string ContentType, IReadOnlyList<string> Headers, string CountedMethod)
{
    public const string SubmitMethod = "/pilotdeck.feedback.v1.FeedbackService/SubmitFeedback";
    public const string JsonRoute = "/api/feedback/pilot";

    /// <summary>Calls of the counted gRPC method that completed OK so far (JSON routes run the same method).</summary>
    public long OkCalls() => Interlocked.Read(ref CallCountingInterceptor.For(CountedMethod).Ok);

    /// <summary>The anonymous system call, the baseline of every Pilotdeck HTTP/2 benchmark.</summary>
    public static SubmitTarget Baseline()
    {
        var baseline = BenchTarget.Unauthenticated();
        return new(baseline.Name, baseline.Path, BenchTarget.EmptyMessageFrame, "application/grpc", [], baseline.Path);
    }

    /// <summary>SubmitFeedback over gRPC: one framed protobuf message, the same feedback every time (no request_id, so each call stores one).</summary>
    public static SubmitTarget Grpc(string participantId, string token)
    {
        var message = new SubmitFeedbackRequest
        {
            ParticipantId = participantId, Rating = 4, Sentiment = "positive", Highlights = { "Setup took five minutes" }, Blockers = { "CSV export times out" },
        }.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return new("submit over gRPC (token)", SubmitMethod, frame, "application/grpc", ["authorization: Bearer " + token], SubmitMethod);
    }

    /// <summary>The runbook's HTTP form, exactly as written there (snake_case names, a bearer token).</summary>
    public static SubmitTarget Json(string participantId, string token)
    {
        var body = Encoding.UTF8.GetBytes($$"""
            {"participant_id": "{{participantId}}", "rating": 4, "sentiment": "positive", "highlights": ["Setup took five minutes"], "blockers": ["CSV export times out"]}
            """);
        return new("POST /api/feedback/pilot (JSON)", JsonRoute, body, "application/json", ["authorization: Bearer " + token], SubmitMethod);
    }
}
