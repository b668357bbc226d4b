using Pilotdeck.Transparency.Notes;

namespace Pilotdeck.Transparency.Tests.Notes;

public sealed class NoteKeyTests
{
    // The example key pair from the documentation of Go's golang.org/x/mod/sumdb/note.
    internal const string GoDocSigningKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    internal const string GoDocVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    [Fact]
    public void SigningKey_GoDocumentationKey_DerivesGoDocumentationVerifierKey()
    {
        var key = NoteSigningKey.Parse(GoDocSigningKey);

        Assert.Equal(GoDocVerifierKey, key.VerifierKey.ToString());
        Assert.Equal(0xc74f20a3u, key.KeyId);
        Assert.Equal(GoDocSigningKey, key.ExportText());
    }

    [Fact]
    public void Sign_Rfc8032TestOne_GivesTheRfcSignature()
    {
        // RFC 8032 §7.1, TEST 1: the empty message.
        var key = new NoteSigningKey("rfc8032", Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));

        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.VerifierKey.PublicKey));
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(key.Sign([])));
    }

    [Fact]
    public void VerifierKey_TextForm_RoundTrips()
    {
        var key = NoteSigningKey.Generate("pilotdeck.example/tenants/acme").VerifierKey;
        var parsed = NoteVerifierKey.Parse(key.ToString());

        Assert.Equal(key.ToString(), parsed.ToString());
        Assert.Equal(key.KeyId, parsed.KeyId);
        Assert.Matches("^pilotdeck\\.example/tenants/acme\\+[0-9a-f]{8}\\+A[A-Za-z0-9+/]{43}$", key.ToString());
    }

    [Fact]
    public void KeyTexts_ManySeeds_RoundTripEvenWhenBase64HoldsPlus()
    {
        // '+' separates key text fields and is also a base64 digit: parsing must cut only the first two.
        var sawPlus = false;
        for (var i = 0; i < 64; i++)
        {
            var seed = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));
            var key = new NoteSigningKey("log.example/t" + i, seed);
            sawPlus |= key.ExportText().Split('+').Length > 5 || key.VerifierKey.ToString().Split('+').Length > 3;

            Assert.Equal(key.ExportText(), NoteSigningKey.Parse(key.ExportText()).ExportText());
            Assert.Equal(key.VerifierKey.ToString(), NoteVerifierKey.Parse(key.VerifierKey.ToString()).ToString());
        }
        Assert.True(sawPlus);
    }

    [Fact]
    public void SigningKey_ToString_DoesNotRevealTheSecret()
    {
        var key = NoteSigningKey.Parse(GoDocSigningKey);

        Assert.DoesNotContain("AYEKFALV", key.ToString());
        Assert.Contains("PeterNeumann+c74f20a3", key.ToString());
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a3", "three fields")]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match")]
    [InlineData("PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits")]
    [InlineData("PeterNeumann+c74f20a3+AhpcAA==", "only Ed25519")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "32 bytes")]
    [InlineData("PeterNeumann+c74f20a3+not base64!", "not base64")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "not valid")]
    [InlineData("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "not valid")]
    public void VerifierKey_Malformed_IsRejectedWithReason(string text, string reason)
    {
        var error = Assert.Throws<MalformedNoteException>(() => NoteVerifierKey.Parse(text));
        Assert.Contains(reason.Replace("three fields", "'<name>+<key id>+<key>'"), error.Message);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "starts with")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "does not match")]
    [InlineData("PRIVATE+KEY+PeterNeumann+c74f20a3", "PRIVATE+KEY+<name>")]
    public void SigningKey_Malformed_IsRejectedWithoutEchoingTheSecret(string text, string reason)
    {
        var error = Assert.Throws<MalformedNoteException>(() => NoteSigningKey.Parse(text));
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("AYEKFALV", error.Message);
    }
}
