using System.Text;
using Google.Api;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Pilotdeck.Server.Platform.Errors;
using Pilotdeck.Server.Platform.Grpc;

namespace Pilotdeck.Server.Tests.Features.System;

/// <summary>
/// The body walk on message shapes no Pilotdeck route has yet (a oneof, 64-bit integers, repeated
/// scalars, google.protobuf.Any), over googleapis messages: what the transcoder reads passes, each
/// value it would not read is named by its path.
/// </summary>
public sealed class JsonBodyWalkTests
{
    [Theory]
    [InlineData("""{"count":"12","mean":"NaN","bucketCounts":[1,"2",null],"range":{"min":-1e3,"max":"Infinity"}}""")]
    [InlineData("""{"exemplars":[{"value":1.5,"timestamp":"2026-01-01T00:00:00Z","attachments":[{"@type":"t","any":{"deep":[1,{"x":null}]}}]}]}""")]
    [InlineData("""{"count":12,"sum_of_squared_deviation":0}""")]
    public async Task Distribution_AsTheTranscoderReadsIt_Passes(string body) =>
        Assert.Null(await ProblemAsync(Distribution.Descriptor, body));

    [Theory]
    [InlineData("""{"count":"12x"}""", "count", "expects a whole number, or a string of one (int64), not the string \"12x\"")]
    [InlineData("""{"bucketCounts":[1,"two"]}""", "bucket_counts[1]", "expects a whole number, or a string of one (int64), not the string \"two\"")]
    [InlineData("""{"mean":"1.5"}""", "mean", "expects a number, not the string \"1.5\"")]
    [InlineData("""{"exemplars":[{"value":1},{"valeu":2}]}""", "exemplars[1].valeu", "Exemplar has no field \"valeu\"; did you mean \"value\"?")]
    [InlineData("""{"range":[0,1]}""", "range", "expects an object (Range), not an array")]
    public async Task Distribution_ValueTheTranscoderWouldNotRead_IsNamedByItsPath(string body, string field, string problem)
    {
        var error = await ProblemAsync(Distribution.Descriptor, body);

        Assert.NotNull(error);
        Assert.Equal(field, ApiErrors.MetadataOf(error)["field"]);
        Assert.Contains($"at {field} (line 1, column ", error.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith(problem + (problem.EndsWith('?') ? "" : "."), error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpRule_TwoFieldsOfOneOneof_IsRefusedAtTheSecond()
    {
        var error = await ProblemAsync(HttpRule.Descriptor, """{"get":"/a","body":"*","post":"/b"}""");

        Assert.NotNull(error);
        Assert.Equal("post", ApiErrors.MetadataOf(error)["field"]);
        Assert.EndsWith("only one field of pattern may be set, and \"get\" is.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_NamedField_IsWalkedAsThatFieldsMessage()
    {
        var error = await ProblemAsync(HttpRule.Descriptor, """{"kind":"x","pth":"/y"}""", bodyField: "custom");

        Assert.NotNull(error);
        Assert.Equal("custom.pth", ApiErrors.MetadataOf(error)["field"]);
        Assert.Contains("CustomHttpPattern has no field \"pth\"; did you mean \"path\"?", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Distribution_SeveralMisfits_AreAllNamedInOrderEachValueSkipped()
    {
        // The array for range and the object under the misspelt valeu are skipped, not looked into.
        var body = """{"range":[0,{"x":1}],"count":"12x","exemplars":[{"valeu":{"deep":"x"}},{"value":"x"}],"mean":1}""";

        var error = await ProblemAsync(Distribution.Descriptor, body);

        Assert.NotNull(error);
        Assert.Equal(["range", "count", "exemplars[0].valeu", "exemplars[1].value"], ViolationsOf(error).Select(v => v.Field));
        Assert.Equal("range", ApiErrors.MetadataOf(error)["field"]);
        Assert.EndsWith(" 3 more problems are in the field violations.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpRule_OneofSetTwiceAndAMisspeltField_BothNamed()
    {
        // The second oneof member's value is skipped: its object would not fit a string.
        var error = await ProblemAsync(HttpRule.Descriptor, """{"get":"/a","post":{"not":"a string"},"bdy":"*"}""");

        Assert.NotNull(error);
        Assert.Equal(["post", "bdy"], ViolationsOf(error).Select(v => v.Field));
        Assert.EndsWith(" One more problem is in the field violations.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_ManyMisfits_NamesTheFirstTwentyAndReadsNoFurther()
    {
        // Past the twentieth misfit the body is not read, so the trailing comma at its end goes unseen.
        var body = "{" + string.Join(",", Enumerable.Range(1, 30).Select(i => $"\"unknown{i}\":{i}")) + ",}";

        var error = await ProblemAsync(Distribution.Descriptor, body);

        Assert.NotNull(error);
        Assert.Equal(JsonBodyCheck.MaxMisfits, ViolationsOf(error).Count);
        Assert.Equal("unknown20", ViolationsOf(error)[^1].Field);
        Assert.EndsWith($" The field violations list the first {JsonBodyCheck.MaxMisfits} problems; the body was not read further.", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_MisfitThenASyntaxError_IsAnsweredWithTheSyntaxErrorAlone()
    {
        var error = await ProblemAsync(Distribution.Descriptor, """{"cont":1,"count":2,}""");

        Assert.NotNull(error);
        Assert.StartsWith("The request body is not valid JSON: ", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(ViolationsOf(error));
    }

    private static List<Google.Rpc.BadRequest.Types.FieldViolation> ViolationsOf(RpcException error) =>
        error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.ToList() ?? [];

    private static Task<RpcException?> ProblemAsync(MessageDescriptor request, string body, string bodyField = "*") =>
        JsonBodyCheck.FindProblemAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), request, bodyField, CancellationToken.None);
}
