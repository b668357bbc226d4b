using System.Text;
using Pilotdeck.Data.Receipts;
using Pilotdeck.Server.Platform.Receipts;

namespace Pilotdeck.Server.Tests.Platform.Receipts;

/// <summary>The canonical form a receipt's id and log leaf are computed from.</summary>
public sealed class ReceiptTextTests
{
    private static ReceiptRecord Receipt(string action = "/pilotdeck.identity.v1.IdentityService/CreateMember", string? requestId = "4bf92f3577b34da6a3ce929d0e0e4736") => new()
    {
        Id = "",
        TenantId = "acme",
        Actor = "user:u1",
        Action = action,
        Subject = "members/u2",
        RequestId = requestId,
        CreatedAt = new DateTimeOffset(2026, 12, 3, 18, 30, 5, 123, TimeSpan.Zero),
        ContentSha256 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
    };

    [Fact]
    public void Canonical_KnownReceipt_IsTheDocumentedText()
    {
        var receipt = Receipt();
        var withId = new ReceiptRecord
        {
            Id = ReceiptText.IdOf(receipt), TenantId = receipt.TenantId, Actor = receipt.Actor, Action = receipt.Action, Subject = receipt.Subject,
            RequestId = receipt.RequestId, CreatedAt = receipt.CreatedAt, ContentSha256 = receipt.ContentSha256,
        };

        Assert.Equal(
            "pilotdeck-receipt/v1\n" +
            $"id {withId.Id}\n" +
            "tenant acme\n" +
            "actor user:u1\n" +
            "action /pilotdeck.identity.v1.IdentityService/CreateMember\n" +
            "subject members/u2\n" +
            "request 4bf92f3577b34da6a3ce929d0e0e4736\n" +
            "decision -\n" +
            "time 2026-12-03T18:30:05.123Z\n" +
            "content-sha256 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
            Encoding.UTF8.GetString(ReceiptText.Canonical(withId)));
        // SHA-256 of the same text without the id line, its first 16 bytes (Python's hashlib).
        Assert.Equal("3bc1d0949597d21395fd272e37273d2f", withId.Id);
    }

    [Fact]
    public void IdOf_SameFields_SameId_AnyFieldChanged_OtherId()
    {
        var id = ReceiptText.IdOf(Receipt());

        Assert.Equal(id, ReceiptText.IdOf(Receipt()));
        Assert.NotEqual(id, ReceiptText.IdOf(Receipt(action: "/pilotdeck.identity.v1.IdentityService/DeleteMember")));
        Assert.NotEqual(id, ReceiptText.IdOf(Receipt(requestId: null)));
    }

    [Fact]
    public void Canonical_NonAsciiAndLongFields_AreUtf8_AndAbsentValuesADash()
    {
        var receipt = Receipt(action: "/x/" + new string('é', 300), requestId: null);
        var withId = new ReceiptRecord
        {
            Id = ReceiptText.IdOf(receipt), TenantId = receipt.TenantId, Actor = receipt.Actor, Action = receipt.Action, Subject = receipt.Subject,
            RequestId = receipt.RequestId, CreatedAt = receipt.CreatedAt, ContentSha256 = receipt.ContentSha256,
        };

        var text = Encoding.UTF8.GetString(ReceiptText.Canonical(withId));
        Assert.Contains("\naction /x/" + new string('é', 300) + "\nsubject members/u2\nrequest -\ndecision -\n", text);
        var withoutId = text.Replace($"id {withId.Id}\n", "");
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(withoutId))[..16]), withId.Id);
    }

    [Fact]
    public void Canonical_FieldWithALineBreak_IsRefused()
    {
        // A value could otherwise forge the lines after it.
        Assert.Throws<ArgumentException>(() => ReceiptText.IdOf(Receipt(action: "x\ndecision forged")));
    }
}
