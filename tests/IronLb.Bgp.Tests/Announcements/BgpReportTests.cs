using IronLb.Bgp.Announcements;

namespace IronLb.Bgp.Tests.Announcements;

public sealed class BgpReportTests
{
    [Fact]
    public void Describe_PeersNamedOrAll_ThisNodesPeersPerService()
    {
        IReadOnlyList<PrefixAnnouncement> announcements =
        [
            Announcement("203.0.113.10/32", [], "shop/web"),
            Announcement("203.0.113.20/32", ["tor-v6", "elsewhere"], "infra/dns"),
            Announcement("198.51.100.0/24", ["tor-v4"], "infra/dns", "shop/web"),
        ];

        var report = BgpReport.Describe(announcements, ["tor-v4", "tor-v6"]);

        Assert.Collection(
            report,
            dns =>
            {
                Assert.Equal(("infra", "dns"), (dns.Namespace, dns.Name));
                Assert.Equal(["198.51.100.0/24", "203.0.113.20/32"], dns.Addresses);
                Assert.Equal(["tor-v4", "tor-v6"], dns.Peers);
                Assert.Empty(dns.Interfaces);
            },
            web =>
            {
                Assert.Equal(("shop", "web"), (web.Namespace, web.Name));
                Assert.Equal(["tor-v4", "tor-v6"], web.Peers);
            });
    }

    [Fact]
    public void Describe_AdvertisementNamesNoPeerOfThisNode_ServiceLeftOut()
    {
        var report = BgpReport.Describe([Announcement("203.0.113.10/32", ["elsewhere"], "shop/web")], ["tor-v4"]);

        Assert.Empty(report);
    }

    private static PrefixAnnouncement Announcement(string prefix, string[] peers, params string[] services) =>
        new(prefix, "adv", peers, null, [], [], services);
}
