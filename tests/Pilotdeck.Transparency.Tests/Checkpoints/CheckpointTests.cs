using Pilotdeck.Transparency.Checkpoints;
using Pilotdeck.Transparency.Merkle;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Transparency.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private const string Origin = "pilotdeck.example/tenants/acme";
    private static readonly LogHash Root = LogHash.FromHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    [Fact]
    public void ToNoteText_Checkpoint_IsOriginSizeAndBase64Root()
    {
        var checkpoint = new Checkpoint(Origin, 8, Root);

        Assert.Equal($"{Origin}\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", checkpoint.ToNoteText());
    }

    [Fact]
    public void ParseNoteText_WithExtensions_RoundTrips()
    {
        var checkpoint = new Checkpoint(Origin, 20852163, Root, ["ext one", "ext two"]);

        var parsed = Checkpoint.ParseNoteText(checkpoint.ToNoteText());

        Assert.Equal(Origin, parsed.Origin);
        Assert.Equal(20852163, parsed.TreeSize);
        Assert.Equal(Root, parsed.RootHash);
        Assert.Equal(["ext one", "ext two"], parsed.Extensions);
    }

    [Fact]
    public void ParseNoteText_EmptyTree_IsSizeZero()
    {
        var parsed = Checkpoint.ParseNoteText($"{Origin}\n0\n{LogHash.EmptyTree.ToBase64()}\n");

        Assert.Equal(0, parsed.TreeSize);
        Assert.Equal(LogHash.EmptyTree, parsed.RootHash);
    }

    public static TheoryData<string, string> MalformedTexts => new()
    {
        { "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", "end with a newline" },
        { "o\n8\n", "at least three lines" },
        { "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 1" },
        { "o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 2" },
        { "o\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 2" },
        { "o\n+8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 2" },
        { "o\n99999999999999999999\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 2" },
        { "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ==\n", "line 3" },
        { "o\n8\n Xcnaeac GWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", "line 3" },
        { "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n", "line 4" },
    };

    [Theory]
    [MemberData(nameof(MalformedTexts))]
    public void ParseNoteText_Malformed_IsRejectedNamingTheLine(string text, string reason)
    {
        var error = Assert.Throws<MalformedNoteException>(() => Checkpoint.ParseNoteText(text));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Open_SignedCheckpoint_RoundTrips()
    {
        var key = NoteSigningKey.Generate(Origin);
        var signed = new Checkpoint(Origin, 8, Root).Sign(key);

        var opened = Checkpoint.Open(signed, key.VerifierKey);

        Assert.Equal(8, opened.TreeSize);
        Assert.Equal(Root, opened.RootHash);
        Assert.StartsWith($"{Origin}\n8\n", signed);
        Assert.Contains($"\n\n\u2014 {Origin} ", signed);
    }

    [Fact]
    public void Open_TamperedSize_IsRejected()
    {
        var key = NoteSigningKey.Generate(Origin);
        var signed = new Checkpoint(Origin, 8, Root).Sign(key).Replace("\n8\n", "\n9\n", StringComparison.Ordinal);

        Assert.Throws<NoteVerificationException>(() => Checkpoint.Open(signed, key.VerifierKey));
    }

    [Fact]
    public void Open_OtherLogsKey_IsRejected()
    {
        var key = NoteSigningKey.Generate(Origin);
        var other = NoteSigningKey.Generate("pilotdeck.example/tenants/globex");
        var signed = new Checkpoint(Origin, 8, Root).Sign(key);

        Assert.Throws<NoteVerificationException>(() => Checkpoint.Open(signed, other.VerifierKey));
    }

    [Fact]
    public void Open_CheckpointOfAnotherOriginSignedWithTheKey_IsRejected()
    {
        // A key used (wrongly) for two origins must not let one log's checkpoint pass as the other's.
        var key = NoteSigningKey.Generate(Origin);
        var foreign = SignedNote.Sign(new Checkpoint("pilotdeck.example/tenants/globex", 8, Root).ToNoteText(), key);

        var error = Assert.Throws<NoteVerificationException>(() => Checkpoint.Open(foreign, key.VerifierKey));
        Assert.Contains("origin", error.Message);
    }

    [Fact]
    public void Sign_KeyNamedOtherThanOrigin_Throws() =>
        Assert.Throws<ArgumentException>(() => new Checkpoint(Origin, 8, Root).Sign(NoteSigningKey.Generate("elsewhere")));

    [Fact]
    public void Constructor_InvalidFields_Throw()
    {
        Assert.Throws<MalformedNoteException>(() => new Checkpoint("", 1, Root));
        Assert.Throws<MalformedNoteException>(() => new Checkpoint("a\nb", 1, Root));
        Assert.Throws<MalformedNoteException>(() => new Checkpoint(Origin, -1, Root));
        Assert.Throws<MalformedNoteException>(() => new Checkpoint(Origin, 1, Root, [""]));
    }
}
