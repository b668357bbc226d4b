using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// The JSON route a mistyped path most likely meant (<c>/v1/participant</c> → <c>/v1/participants</c>):
/// a route with as many segments, whose fixed segments are each within <see cref="Spelling"/>'s
/// reach of the path's and whose parameters take the path's own values.
/// </summary>
internal static class RouteSpelling
{
    /// <summary>The nearest route, those that answer <paramref name="method"/> first.</summary>
    public static string? Nearest(string method, string path, EndpointDataSource endpoints)
    {
        var segments = path.Trim('/').Split('/');
        return endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null && e.RoutePattern.RawText is not null)
            .Select(e => (Match: Match(e.RoutePattern.RawText!.Trim('/').Split('/'), segments), Answers: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) == true))
            .Where(c => c.Match is { Distance: > 0 })
            .OrderBy(c => c.Answers ? 0 : 1)
            .ThenBy(c => c.Match!.Value.Distance)
            .Select(c => c.Match!.Value.Path)
            .FirstOrDefault();
    }

    /// <returns>The route with the path's values in its parameters, and how many edits its fixed segments are from the path's; null when it is not close.</returns>
    private static (string Path, int Distance)? Match(string[] template, string[] segments)
    {
        if (template.Length != segments.Length)
        {
            return null;
        }

        var (distance, meant) = (0, new string[segments.Length]);
        for (var i = 0; i < segments.Length; i++)
        {
            var part = template[i];
            if (part.Contains('{'))
            {
                // A parameter, perhaps with a custom verb after it ("{import_id}:commit"): the path's value, and the verb as spelt.
                var verb = part[(part.LastIndexOf('}') + 1)..];
                var colon = verb.Length > 0 ? segments[i].LastIndexOf(':') : -1;
                var value = colon >= 0 ? segments[i][..colon] : segments[i];
                var sent = colon >= 0 ? segments[i][colon..] : "";
                if (value.Length == 0 || Edits(verb, sent) is not { } off)
                {
                    return null;
                }

                (distance, meant[i]) = (distance + off, value + verb);
                continue;
            }

            if (Edits(part, segments[i]) is not { } edits)
            {
                return null;
            }

            (distance, meant[i]) = (distance + edits, part);
        }

        return ("/" + string.Join('/', meant), distance);
    }

    /// <summary>Edits from the route's text to the path's, or null beyond a slip (told by length first: a path may be long).</summary>
    private static int? Edits(string route, string sent)
    {
        if (route.Length == 0 && sent.Length == 0)
        {
            return 0;
        }

        if (Math.Abs(route.Length - sent.Length) > Spelling.Reach(route))
        {
            return null;
        }

        var edits = Spelling.Distance(route, sent);
        return edits <= Spelling.Reach(route) ? edits : null;
    }
}
