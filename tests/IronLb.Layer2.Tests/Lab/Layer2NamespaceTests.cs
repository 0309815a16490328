using System.Diagnostics;
using System.Globalization;
using IronLb.Layer2.Capture;
using IronLb.Testing;

namespace IronLb.Layer2.Tests.Lab;

/// <summary>The announcer on a real (namespaced) LAN: arping, ndisc6 and the peer kernel's neighbour cache see it.</summary>
public sealed class Layer2NamespaceTests : IClassFixture<Layer2Lab>
{
    private const string Vip = "203.0.113.20";
    private const string Vip6 = "2001:db8:1:20::20";
    private readonly Layer2Lab _lab;

    public Layer2NamespaceTests(Layer2Lab lab)
    {
        _lab = lab;

        // Each test starts from nobody owning anything and an empty neighbour cache at the peer.
        lab.Node1Host.Apply();
        lab.Node2Host.Apply();
        Shell.Must("ip", "-n", lab.Peer, "neigh", "flush", "dev", "eth0");
        Shell.Must("ip", "-n", lab.Peer, "-6", "neigh", "flush", "dev", "eth0");
    }

    [LabFact]
    public void Arping_OwnedAddress_RepliesOnlyFromOwningNodeAndCounted()
    {
        _lab.Node1Host.Apply(Owned(Vip));
        var sentBefore = _lab.Node1Host.Metric("metallb_layer2_responses_sent", Vip);

        var macs = Arping("eth0", Vip, count: 3);

        Assert.Equal([Layer2Lab.Node1Mac], macs.Distinct());
        Assert.Equal(3, macs.Count);
        Assert.Equal(sentBefore + 3, _lab.Node1Host.Metric("metallb_layer2_responses_sent", Vip));
        Assert.Equal(0, _lab.Node2Host.Metric("metallb_layer2_requests_received", Vip));
    }

    [LabFact]
    public void Arping_AddressNobodyOwns_NoReply()
    {
        _lab.Node1Host.Apply(Owned(Vip));

        Assert.Empty(Arping("eth0", "203.0.113.99", count: 2));
    }

    [LabFact]
    public void Ndisc6_OwnedAddress_OwningNodesMac()
    {
        _lab.Node1Host.Apply(Owned(Vip6));
        var sentBefore = _lab.Node1Host.Metric("metallb_layer2_responses_sent", Vip6);

        Assert.Equal(Layer2Lab.Node1Mac, Ndisc6("eth0", Vip6));
        Assert.Equal(sentBefore + 1, _lab.Node1Host.Metric("metallb_layer2_responses_sent", Vip6));

        // Joined so MLD-snooping switches forward the solicitations (the kernel reports the membership).
        Assert.Contains("ff02::1:ff00:20", Shell.Must("ip", "-n", _lab.Node1, "-6", "maddr", "show", "dev", "eth0"), StringComparison.Ordinal);
    }

    [LabFact]
    public void Ndisc6_AddressNobodyOwns_NoReply()
    {
        _lab.Node1Host.Apply(Owned(Vip6));

        Assert.Null(Ndisc6("eth0", "2001:db8:1:20::99"));
    }

    [LabFact]
    public void Arping_InterfaceLeftOutOfList_NeverAnswersThere()
    {
        _lab.Node1Host.Apply(Owned(Vip, "eth0"));

        Assert.Empty(Arping("eth1", Vip, count: 2));
        Assert.Equal([Layer2Lab.Node1Mac], Arping("eth0", Vip, count: 1));

        // Control: with no list, eth1 answers too, from eth1's own MAC.
        _lab.Node1Host.Apply(Owned(Vip));
        Assert.Equal([Layer2Lab.Node1Eth1Mac], Arping("eth1", Vip, count: 1));
    }

    [LabFact]
    public void Arping_NodeLinkFlapsFasterThanARefresh_AnsweredAgain()
    {
        _lab.Node1Host.Apply(Owned(Vip));
        Assert.Equal([Layer2Lab.Node1Mac], Arping("eth0", Vip, count: 1));

        // Keep the IPv6 address through the flap: the other tests share this lab.
        Shell.Must("ip", "netns", "exec", _lab.Node1, "sysctl", "-qw", "net.ipv6.conf.eth0.keep_addr_on_down=1");
        Shell.Must("ip", "-n", _lab.Node1, "link", "set", "eth0", "down");
        Shell.Must("ip", "-n", _lab.Node1, "link", "set", "eth0", "up");

        // Whether or not libpcap's capture survives the flap (here it does), the node must answer again within a
        // refresh or two (every second here); a broken capture is reopened at the next refresh.
        var answered = false;
        for (var attempt = 0; attempt < 20 && !answered; attempt++)
        {
            answered = Arping("eth0", Vip, count: 1).Contains(Layer2Lab.Node1Mac);
        }

        Assert.True(answered);
    }

    [LabFact]
    public void GratuitousArp_OwnershipMoves_PeerNeighbourEntrySwitchesToNewNode()
    {
        _lab.Node1Host.Apply(Owned(Vip));
        Shell.Run(TimeSpan.FromSeconds(10), "ip", "netns", "exec", _lab.Peer, "ping", "-c", "1", "-W", "1", Vip);
        Assert.Equal(Layer2Lab.Node1Mac, PeerNeighbour(Vip));

        _lab.Node1Host.Apply();
        _lab.Node2Host.Apply(Owned(Vip));

        Assert.Equal(Layer2Lab.Node2Mac, AwaitPeerNeighbour(Vip, Layer2Lab.Node2Mac));
    }

    [LabFact]
    public void UnsolicitedAdvertisement_OwnershipMoves_PeerNeighbourEntrySwitchesToNewNode()
    {
        _lab.Node1Host.Apply(Owned(Vip6));
        Shell.Run(TimeSpan.FromSeconds(10), "ip", "netns", "exec", _lab.Peer, "ping", "-6", "-c", "1", "-W", "1", Vip6);
        Assert.Equal(Layer2Lab.Node1Mac, PeerNeighbour(Vip6));

        _lab.Node1Host.Apply();
        _lab.Node2Host.Apply(Owned(Vip6));

        Assert.Equal(Layer2Lab.Node2Mac, AwaitPeerNeighbour(Vip6, Layer2Lab.Node2Mac));
    }

    [LabFact]
    public void Arping_OwnershipLost_NoLongerAnswered()
    {
        _lab.Node1Host.Apply(Owned(Vip));
        Assert.Single(Arping("eth0", Vip, count: 1));

        _lab.Node1Host.Apply();

        Assert.Empty(Arping("eth0", Vip, count: 2));
    }

    [LabFact]
    public void Refresh_MacChangedOnNode_AnsweredFromNewMacWithinSeconds()
    {
        const string newMac = "02:00:00:00:aa:11";
        _lab.Node1Host.Apply(Owned(Vip));
        Assert.Equal([Layer2Lab.Node1Mac], Arping("eth0", Vip, count: 1));
        try
        {
            Shell.Must("ip", "-n", _lab.Node1, "link", "set", "eth0", "address", newMac);

            // The announcer re-reads interfaces every second here; allow a few rounds.
            var clock = Stopwatch.StartNew();
            List<string> macs = [];
            for (var attempt = 0; attempt < 20 && clock.Elapsed < TimeSpan.FromSeconds(10) && !macs.Contains(newMac); attempt++)
            {
                macs = Arping("eth0", Vip, count: 1);
            }

            Assert.Equal([newMac], macs);
        }
        finally
        {
            Shell.Must("ip", "-n", _lab.Node1, "link", "set", "eth0", "address", Layer2Lab.Node1Mac);
        }
    }

    [LabFact]
    public void Arping_SentFromEachCpu_AnsweredThroughTheReaderKeptOnThatCpu()
    {
        _lab.Node1Host.Apply(Owned(Vip, "eth0"));
        var layout = CaptureReaderLayout.For(CpuAffinity.Allowed());
        var readers = ReaderThreads(_lab.Node1Host.Pid, "eth0");

        // One reader per CPU position, each allowed on its own CPU only (one unpinned reader on a one-CPU machine).
        var expected = layout.Count == 0
            ? [("l2 eth0", (string?)null)]
            : layout.Select((cpu, position) => ($"l2 cpu{position} eth0", cpu?.ToString(CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(expected.Order(), readers.Order());

        // veth delivers a frame on the CPU that sent it, so the fanout hands each request to a different reader:
        // every one of them must answer.
        foreach (var cpu in CpuAffinity.Allowed())
        {
            Assert.Equal([Layer2Lab.Node1Mac, Layer2Lab.Node1Mac], NeighbourProbe.Arping(_lab.Peer, "eth0", Vip, count: 2, cpu));
        }
    }

    [LabFact]
    public void StartAsync_WithoutCapNetRaw_ExitsWithClearError()
    {
        // Root without CAP_NET_RAW in its bounding set, as a container that did not add NET_RAW.
        var result = NodeHostProcess.RunToExit(_lab.Node2, "setpriv", "--bounding-set", "-net_raw", "--inh-caps", "-net_raw");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("needs CAP_NET_RAW", result.Error, StringComparison.Ordinal);
    }

    /// <summary>The capture reader threads of <paramref name="pid"/> on <paramref name="interfaceName"/>: their name and
    /// the one CPU each may run on (null when the scheduler may place it anywhere).</summary>
    private static List<(string Name, string? Cpu)> ReaderThreads(int pid, string interfaceName)
    {
        var readers = new List<(string, string?)>();
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            if (name.StartsWith("l2 ", StringComparison.Ordinal) && name.EndsWith(" " + interfaceName, StringComparison.Ordinal))
            {
                var allowed = File.ReadLines(Path.Combine(task, "status")).Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
                var list = allowed["Cpus_allowed_list:".Length..].Trim();
                readers.Add((name, list.Contains(',', StringComparison.Ordinal) || list.Contains('-', StringComparison.Ordinal) ? null : list));
            }
        }

        return readers;
    }

    private NodeOwned Owned(string address, params string[] interfaces) => new(address, interfaces, _lab.NextEpoch());

    private List<string> Arping(string peerInterface, string address, int count) => NeighbourProbe.Arping(_lab.Peer, peerInterface, address, count);

    private string? Ndisc6(string peerInterface, string address) => NeighbourProbe.Ndisc6(_lab.Peer, peerInterface, address);

    private string? PeerNeighbour(string address) => NeighbourProbe.NeighbourMac(_lab.Peer, address);

    /// <summary>Polls the peer's cache until it shows <paramref name="expected"/> or two seconds pass: the gratuitous
    /// frame was sent before Apply returned, but the peer kernel processes it on its own softirq.</summary>
    private string? AwaitPeerNeighbour(string address, string expected)
    {
        var clock = Stopwatch.StartNew();
        string? seen = null;
        for (var attempt = 0; attempt < 200 && clock.Elapsed < TimeSpan.FromSeconds(2); attempt++)
        {
            seen = PeerNeighbour(address);
            if (seen == expected)
            {
                break;
            }
        }

        return seen;
    }
}
