namespace Pilotdeck.Contracts.Api.V1;

/// <summary>
/// The wire spelling of <see cref="ErrorReason"/>: <c>ErrorInfo.reason</c> is the value's proto name
/// without the <c>ERROR_REASON_</c> prefix (buf's STANDARD lint wants the prefix on enum values; the
/// reasons clients branch on read better without it). Server, SDK and CLI all convert here.
/// </summary>
public static class ErrorReasons
{
    private const string Prefix = "ERROR_REASON_";

    /// <summary>E.g. <c>"TOKEN_EXPIRED"</c> for <see cref="ErrorReason.TokenExpired"/>.</summary>
    public static string Name(ErrorReason reason) =>
        ErrorReasonReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)reason) is { } value
            ? value.Name[Prefix.Length..]
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a value of pilotdeck.api.v1.ErrorReason.");

    /// <summary>The reason a wire string names; <see cref="ErrorReason.Unspecified"/> for null or an unknown string.</summary>
    public static ErrorReason Parse(string? name) =>
        name is not null && ErrorReasonReflection.Descriptor.EnumTypes[0].FindValueByName(Prefix + name) is { } value
            ? (ErrorReason)value.Number
            : ErrorReason.Unspecified;

    /// <summary>Every reason a server can send (all values but Unspecified).</summary>
    public static IReadOnlyList<ErrorReason> All { get; } = [.. Enum.GetValues<ErrorReason>().Where(r => r != ErrorReason.Unspecified)];
}
