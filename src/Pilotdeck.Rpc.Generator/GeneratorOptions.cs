namespace Pilotdeck.Rpc.Generator;

/// <summary>
/// What to emit, from protoc's <c>--pilotdeck_opt</c>: comma-separated <c>server</c>, <c>client</c>
/// or <c>both</c> (the default when nothing is given).
/// </summary>
public sealed record GeneratorOptions(bool Server, bool Client)
{
    public static readonly GeneratorOptions Default = new(Server: true, Client: true);

    public static GeneratorOptions Parse(string? parameter)
    {
        if (string.IsNullOrWhiteSpace(parameter))
        {
            return Default;
        }

        bool server = false, client = false;
        foreach (var raw in parameter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (raw.ToLowerInvariant())
            {
                case "server":
                    server = true;
                    break;
                case "client":
                    client = true;
                    break;
                case "both":
                    server = client = true;
                    break;
                default:
                    throw new GeneratorException($"Unknown option '{raw}'; expected server, client or both.");
            }
        }

        return new GeneratorOptions(server, client);
    }
}
