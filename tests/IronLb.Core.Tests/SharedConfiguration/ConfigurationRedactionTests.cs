using IronLb.Core.Contracts;
using IronLb.Core.SharedConfiguration;

namespace IronLb.Core.Tests.SharedConfiguration;

public sealed class ConfigurationRedactionTests
{
    [Fact]
    public void Redact_PeersWithPasswords_StoredFormHoldsNeitherPasswordNorSecret()
    {
        var configuration = SecretManifests.Load();

        var redacted = ConfigurationRedaction.Redact(configuration);

        Assert.Empty(redacted.Stored.Secrets);
        Assert.All(redacted.Stored.BgpPeers, p => Assert.Null(p.Spec.Password));
        Assert.False(SecretManifests.Leaks(redacted.Stored.ToCanonicalJson()));
        Assert.False(SecretManifests.Leaks(ContractJson.Serialize(redacted.References)));
        Assert.True(SecretManifests.Leaks(configuration.ToCanonicalJson()), "the test data must carry the passwords to begin with");
    }

    [Fact]
    public void Redact_PeersWithPasswords_ReferencesAndPasswordsPerPeer()
    {
        var redacted = ConfigurationRedaction.Redact(SecretManifests.Load());

        Assert.Equal(
            [new PeerPasswordReference("tor-secret", "metallb-system", "tor-password"), new PeerPasswordReference("tor-inline", null, null)],
            redacted.References);
        Assert.Equal(SecretManifests.SecretPassword, redacted.Passwords["tor-secret"]);
        Assert.Equal(SecretManifests.InlinePassword, redacted.Passwords["tor-inline"]);
        Assert.Equal("tor-password", redacted.Stored.BgpPeers.Single(p => p.Name == "tor-secret").Spec.PasswordSecret?.Name);
    }

    [Fact]
    public void DigestOf_OnlyPasswordsDiffer_SameDigest()
    {
        var first = ConfigurationRedaction.Redact(SecretManifests.Load());
        var second = ConfigurationRedaction.Redact(SecretManifests.Load("another-secret", "another-inline"));

        // The digest is public (/status): it must not change with, and so not reveal anything about, a password.
        Assert.Equal(
            ConfigurationDocument.DigestOf(first.Stored, first.References),
            ConfigurationDocument.DigestOf(second.Stored, second.References));
    }

    [Fact]
    public void DigestOf_InlinePasswordRemoved_DigestChanges()
    {
        var with = ConfigurationRedaction.Redact(SecretManifests.Load());
        var without = ConfigurationRedaction.Redact(SecretManifests.Load(inlinePassword: ""));

        Assert.Equal(with.Stored, without.Stored);
        Assert.NotEqual(
            ConfigurationDocument.DigestOf(with.Stored, with.References),
            ConfigurationDocument.DigestOf(without.Stored, without.References));
    }

    [Fact]
    public void ToString_Lookup_NeverPrintsThePassword()
    {
        var lookup = PeerPasswordLookup.Found(SecretManifests.SecretPassword);

        Assert.DoesNotContain(SecretManifests.SecretPassword, lookup.ToString(), StringComparison.Ordinal);
    }
}
