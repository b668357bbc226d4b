using Pilotdeck.Data.Identity;

namespace Pilotdeck.Data.Tests;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("a@b.co")]
    [InlineData("first.last+pilot@sub.example.org")]
    [InlineData("o'brien@example.ie")]
    [InlineData("jörg@exämple.de")]
    [InlineData("owner@demo.test")]
    public void IsValid_OrdinaryAddresses_AreAccepted(string email) => Assert.True(EmailAddresses.IsValid(email));

    [Theory]
    [InlineData("a@<script>.example")] // what the probe registered
    [InlineData("a@b")]
    [InlineData("a b@c.de")]
    [InlineData("@c.de")]
    [InlineData("a@")]
    [InlineData("a@-x.de")]
    [InlineData("a..b@c.de")]
    [InlineData(".a@c.de")]
    [InlineData("\"quoted\"@c.de")]
    [InlineData("a@[127.0.0.1]")]
    [InlineData("<a@c.de>")]
    public void IsValid_MalformedOrMarkupCarryingAddresses_AreRefused(string email) => Assert.False(EmailAddresses.IsValid(email));
}
