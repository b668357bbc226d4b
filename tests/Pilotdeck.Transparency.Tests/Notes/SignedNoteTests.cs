using System.Text;
using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Transparency.Tests.Notes;

public sealed class SignedNoteTests
{
    private const string GoDocText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    // Ed25519 is deterministic, so signing Go's documented text with Go's documented key gives Go's documented note.
    private const string GoDocNote = GoDocText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    private static readonly NoteSigningKey Key = NoteSigningKey.Parse(NoteKeyTests.GoDocSigningKey);

    [Fact]
    public void Sign_GoDocumentationExample_GivesGoDocumentationNote() =>
        Assert.Equal(GoDocNote, SignedNote.Sign(GoDocText, Key));

    [Fact]
    public void Open_GoDocumentationNote_VerifiesWithGoDocumentationKey()
    {
        var note = SignedNote.Open(GoDocNote, NoteVerifierKey.Parse(NoteKeyTests.GoDocVerifierKey));

        Assert.Equal(GoDocText, note.Text);
        Assert.Equal(0xc74f20a3u, Assert.Single(note.Signatures).KeyId);
    }

    [Fact]
    public void Open_SignedNote_RoundTripsTextWithBlankLinesAndUnicode()
    {
        var key = NoteSigningKey.Generate("pilotdeck.example/log");
        const string text = "première ligne\n\nafter a blank line — em dash\n";

        var note = SignedNote.Open(SignedNote.Sign(text, key), key.VerifierKey);

        Assert.Equal(text, note.Text);
    }

    [Fact]
    public void Open_TamperedText_IsRejected()
    {
        var tampered = GoDocNote.Replace("cryptography", "cryptographY", StringComparison.Ordinal);

        var error = Assert.Throws<NoteVerificationException>(() => SignedNote.Open(tampered, Key.VerifierKey));
        Assert.Contains("does not verify", error.Message);
    }

    [Fact]
    public void Open_TamperedSignature_IsRejected()
    {
        var tampered = GoDocNote.Replace("x08go/ZJ", "x08go/ZK", StringComparison.Ordinal);

        Assert.Throws<NoteVerificationException>(() => SignedNote.Open(tampered, Key.VerifierKey));
    }

    [Fact]
    public void Open_WrongKey_IsRejectedNamingSignerAndTrustedKey()
    {
        var other = NoteSigningKey.Generate("someone.else/log").VerifierKey;

        var error = Assert.Throws<NoteVerificationException>(() => SignedNote.Open(GoDocNote, other));
        Assert.Contains("PeterNeumann+c74f20a3", error.Message);
        Assert.Contains("someone.else/log", error.Message);
    }

    [Fact]
    public void Open_SameNameDifferentKey_IsIgnoredAsUnknownAndRejected()
    {
        // Same name, other key: its id differs, so the signature is not "by" this key at all.
        var impostor = NoteSigningKey.Generate("PeterNeumann").VerifierKey;

        Assert.Throws<NoteVerificationException>(() => SignedNote.Open(GoDocNote, impostor));
    }

    [Fact]
    public void Open_ExtraUnknownSignature_IsIgnored()
    {
        var witness = NoteSigningKey.Generate("witness.example/w1");
        var cosigned = SignedNote.Sign(GoDocText, Key, witness);

        var note = SignedNote.Open(cosigned, Key.VerifierKey);

        Assert.Equal(2, note.Signatures.Count);
        Assert.Equal(GoDocText, note.Text);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes(GoDocNote);
        bytes[3] = 0xC3; // starts a two-byte sequence that the next byte does not continue

        Assert.Throws<MalformedNoteException>(() => SignedNote.Parse(bytes));
    }

    public static TheoryData<string, string> MalformedNotes => new()
    {
        { "no signatures at all\n", "blank line" },
        { "text\n\n", "at least one signature" },
        { "text\n\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", "at least one signature" },
        { "text\n\n- PeterNeumann x08go/ZJ\n", "em dash" },
        { "text\n\n\u2014 PeterNeumann\n", "no space" },
        { "text\n\n\u2014 Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "invalid key name" },
        { "text\n\n\u2014 PeterNeumann !!!\n", "not base64" },
        { "text\n\n\u2014 PeterNeumann AAAA\n", "key id followed by" },
        { "tab\there\n\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "U+0009" },
        { "cr\r\n\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", "U+000D" },
    };

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void Open_MalformedNote_IsRejectedWithReason(string note, string reason)
    {
        var error = Assert.Throws<MalformedNoteException>(() => SignedNote.Open(note, Key.VerifierKey));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Open_TooManySignatures_IsMalformed()
    {
        var line = GoDocNote[(GoDocText.Length + 1)..];
        var note = GoDocText + "\n" + string.Concat(Enumerable.Repeat(line, 101));

        Assert.Throws<MalformedNoteException>(() => SignedNote.Open(note, Key.VerifierKey));
    }

    [Fact]
    public void Sign_TextWithoutFinalNewline_IsRejected() =>
        Assert.Throws<MalformedNoteException>(() => SignedNote.Sign("no newline", Key));
}
