using System.Diagnostics;
using System.Text.RegularExpressions;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>
/// `ironlb run` on a node with two interfaces, the L2Advertisement naming only eth0: a client on both segments asks
/// with arping and ndisc6 and gets the node's MAC only where it should.
/// </summary>
public sealed partial class SingleNodeLayer2Tests
{
    private const string Vip = "203.0.113.16";
    private const string Vip6 = "2001:db8:1:20::16";
    private const string NodeMac = "02:00:00:00:00:11";
    private const string NodeEth1Mac = "02:00:00:00:01:11";

    private static readonly string Manifests =
        LabManifests.Layer2Pool(["203.0.113.16/32", "2001:db8:1:20::16/128"], "eth0") + LabManifests.WebService(dualStack: true, "node1");

    [NamespaceLabFact]
    public async Task IronlbRun_TwoInterfacesOneAdvertised_AnswersOnlyThereAndOnlyForItsAddresses()
    {
        using var lab = Lab();
        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("lab.yaml", Manifests);
        var peer = lab.Namespace("peer");

        // Everything ARP and ICMPv6 the peer's eth1 sees, for the whole test: the node must never speak for its
        // addresses there, gratuitous announcements included.
        var (capture, _) = await ChildProcess.StartAsync(
            "ip", ["netns", "exec", peer, "sh", "-c", "exec tcpdump -i eth1 -n -e -l 'arp or icmp6' 2>&1"], ListeningLine(), TimeSpan.FromSeconds(20));
        await using var eth1Capture = capture;
        await using var ironlb = await IronLbProcess.StartAsync(manifests.Path, "node1", netns: lab.Namespace("node"));

        var clock = Stopwatch.StartNew();
        List<string> answered = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && answered.Count == 0)
        {
            answered = NeighbourProbe.Arping(peer, "eth0", Vip, 1);
        }

        Assert.True(answered.Count > 0, "no ARP answer for " + Vip + " within 60 s:\n" + ironlb.Output);
        Assert.All(answered, mac => Assert.Equal(NodeMac, mac));
        Assert.Equal(NodeMac, NeighbourProbe.Ndisc6(peer, "eth0", Vip6));

        // eth1 is not on the advertisement's list: no answer there (ndisc6 cannot show that: it takes the node's
        // unsolicited advertisements on eth0 for answers; the capture below does). Nor for an address it does not own.
        Assert.Empty(NeighbourProbe.Arping(peer, "eth1", Vip, 3));
        Assert.Empty(NeighbourProbe.Arping(peer, "eth0", "203.0.113.17", 3));
        Assert.Null(NeighbourProbe.Ndisc6(peer, "eth0", "2001:db8:1:20::17"));

        Assert.Equal(0, await ironlb.TerminateAsync());
        Assert.Empty(NeighbourProbe.Arping(peer, "eth0", Vip, 3));

        await eth1Capture.TerminateAsync(TimeSpan.FromSeconds(10));
        var fromNode = eth1Capture.Output.Split('\n').Where(line => line.Contains(Vip, StringComparison.Ordinal) || line.Contains(Vip6, StringComparison.Ordinal))
            .Where(line => line.StartsWith(NodeMac, StringComparison.Ordinal) || line.StartsWith(NodeEth1Mac, StringComparison.Ordinal));
        Assert.Empty(fromNode);
    }

    [GeneratedRegex("listening on eth1")]
    private static partial Regex ListeningLine();

    /// <summary>node (eth0 192.0.2.11 / 2001:db8:1::11, eth1 198.51.100.11 / 2001:db8:2::11) and peer on two segments.</summary>
    private static NamespaceLan Lab()
    {
        var lab = new NamespaceLan("ilbsn");
        try
        {
            lab.AddSegment("br0");
            lab.AddSegment("br1");
            lab.Add("node");
            lab.Add("peer");
            lab.Attach("node", "eth0", "br0", NodeMac, "192.0.2.11/24", "2001:db8:1::11/64");
            lab.Attach("node", "eth1", "br1", NodeEth1Mac, "198.51.100.11/24", "2001:db8:2::11/64");
            lab.Attach("peer", "eth0", "br0", "02:00:00:00:00:64", "192.0.2.100/24", "2001:db8:1::100/64");
            lab.Attach("peer", "eth1", "br1", "02:00:00:00:01:64", "198.51.100.100/24", "2001:db8:2::100/64");
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }
}
