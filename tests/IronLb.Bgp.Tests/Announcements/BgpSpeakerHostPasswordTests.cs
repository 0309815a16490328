using System.Text.Json;
using IronLb.Bgp.Announcements;
using IronLb.Core.Configuration;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Bgp.Tests.Announcements;

/// <summary>The speaker host reads a peer's password again on its refresh interval, so a Secret fixed later still opens the session.</summary>
public sealed class BgpSpeakerHostPasswordTests
{
    [Fact]
    public async Task RefreshInterval_SecretAppearsLater_PeerOpenedWithoutANewConfiguration()
    {
        var loaded = ManifestLoader.Parse("""
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: tor, namespace: metallb-system}
            spec: {myASN: 64500, peerASN: 64501, peerAddress: 127.0.0.1, peerPort: 9, routerID: 192.0.2.11, passwordSecret: {name: tor-password}}
            """, "peer.yaml");
        Assert.Empty(loaded.Errors);
        var redacted = ConfigurationRedaction.Redact(loaded.Configuration);
        var current = new CurrentConfiguration();
        current.TryApply(new ConfigurationDocument(1, "d", "test", DateTimeOffset.UnixEpoch, redacted.Stored) { PeerPasswords = redacted.References });
        var store = new ScriptedPasswordStore { Answer = PeerPasswordLookup.Missing("has no \"password\" key") };
        var time = new FakeTimeProvider();
        var options = Options.Create(new BgpOptions { ListenPort = 0, StateDirectory = string.Empty, PasswordRefreshInterval = TimeSpan.FromSeconds(30) });
        await using var host = new BgpSpeakerHost(
            current, options, Options.Create(new NodeOptions { Name = "node1" }), time, NullLoggerFactory.Instance, NullLogger<BgpSpeakerHost>.Instance, store);
        await host.StartAsync(CancellationToken.None);
        try
        {
            var before = Snapshot(host);
            store.Answer = PeerPasswordLookup.Found("now-in-the-secret");

            var opened = await AdvanceUntilAsync(time, () => Snapshot(host).GetProperty("peers").GetArrayLength() == 1, TimeSpan.FromSeconds(30));

            Assert.Equal(0, before.GetProperty("peers").GetArrayLength());
            Assert.Contains("session not opened", before.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
            Assert.True(opened, "the peer was never opened: " + Snapshot(host).GetRawText());
            Assert.Equal(0, Snapshot(host).GetProperty("problems").GetArrayLength());
            Assert.DoesNotContain("now-in-the-secret", Snapshot(host).GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static JsonElement Snapshot(IStatusContributor contributor) =>
        JsonSerializer.SerializeToElement(contributor.Snapshot());

    /// <summary>Moves the fake clock a refresh interval at a time until <paramref name="condition"/> holds; bounded in real time.</summary>
    private static async Task<bool> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        while (!condition())
        {
            time.Advance(TimeSpan.FromSeconds(30));
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }
}
