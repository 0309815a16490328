using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Bfd;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;
using IronLb.Core.Configuration;

namespace IronLb.Bgp.Announcements;

/// <summary>One address on one of this host's interfaces.</summary>
internal sealed record HostAddress(IPAddress Address, bool Loopback);

/// <summary>The BGP sessions one node opens, from the BGPPeers whose nodeSelectors select it. Pure.</summary>
/// <remarks>Follows MetalLB's reading of BGPPeer; where a field cannot be honoured the peer is left out with a reason.</remarks>
internal static class NodePeers
{
    // Shared instances: session settings are compared by value, and a list compares by reference, so a new
    // list on every configuration change would restart every session.
    private static readonly IReadOnlyList<BgpFamily> Ipv4Only = [BgpFamily.Ipv4Unicast];
    private static readonly IReadOnlyList<BgpFamily> Ipv6Only = [BgpFamily.Ipv6Unicast];
    private static readonly IReadOnlyList<BgpFamily> DualStack = [BgpFamily.Ipv4Unicast, BgpFamily.Ipv6Unicast];

    /// <summary>MetalLB's FRR configuration sets "ebgp-multihop" without a count, which FRR reads as 255.</summary>
    private const int MultihopTtl = 255;

    /// <summary>
    /// The sessions of <paramref name="node"/>; <paramref name="problems"/> says why any selected peer was left out, or
    /// which part of its configuration is not honoured.
    /// </summary>
    public static IReadOnlyList<BgpPeerSettings> For(string node, ClusterConfiguration configuration, out IReadOnlyList<string> problems) =>
        For(node, configuration, [], out problems);

    /// <summary>As above, with the addresses of this host's interfaces, from which a router ID is chosen when nothing else gives one.</summary>
    public static IReadOnlyList<BgpPeerSettings> For(string node, ClusterConfiguration configuration, IReadOnlyList<HostAddress> host, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var self = configuration.Nodes.FirstOrDefault(n => n.Name == node);
        IReadOnlyDictionary<string, string> labels = self?.Metadata.Labels ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
        var peers = new List<BgpPeerSettings>();
        var taken = new Dictionary<(IPAddress, string?), string>();
        foreach (var peer in configuration.BgpPeers)
        {
            if (peer.Spec.NodeSelectors.Count > 0 && !LabelSelector.AnyMatches(peer.Spec.NodeSelectors, labels))
            {
                continue;
            }

            if (Resolve(peer, self, host, configuration) is { } resolved)
            {
                // One address may be a peer once per VRF: a second BGPPeer with both the same would be the same session.
                if (taken.TryGetValue((resolved.PeerAddress, resolved.BindDevice), out var first))
                {
                    found.Add($"BGPPeer/{peer.Name}: same peerAddress and vrf as BGPPeer/{first} on this node; only BGPPeer/{first} runs");
                    continue;
                }

                taken.Add((resolved.PeerAddress, resolved.BindDevice), peer.Name);
                var settings = resolved;
                if (settings.Bfd is not null && settings.BindDevice is not null)
                {
                    found.Add($"BGPPeer/{peer.Name}: bfdProfile is not supported on a vrf peer; the session runs without BFD");
                    settings = settings with { Bfd = null };
                }

                peers.Add(settings);
                if (EchoModeNotice(peer, settings) is { } notice)
                {
                    found.Add(notice);
                }
            }
            else
            {
                found.Add($"BGPPeer/{peer.Name}: {Reason(peer, self)}");
            }
        }

        problems = found;
        return peers;
    }

    private static BgpPeerSettings? Resolve(BgpPeer peer, Node? node, IReadOnlyList<HostAddress> host, ClusterConfiguration configuration)
    {
        var spec = peer.Spec;
        if (!IPAddress.TryParse(spec.PeerAddress, out var address) || PeerAsn(spec) is not { } peerAsn || RouterId(spec, node, host) is not { } routerId)
        {
            return null;
        }

        var hold = spec.HoldTime ?? TimeSpan.FromSeconds(90);
        return new BgpPeerSettings
        {
            Name = peer.Name,

            // localASN is what the peer sees of us, in OPEN and AS_PATH, as MetalLB's FRR "local-as ... no-prepend replace-as".
            LocalAsn = LocalAsn(spec),
            PeerAsn = peerAsn,
            AnyExternalPeerAs = IsDynamicExternal(spec),
            PeerAddress = address,
            PeerPort = spec.PeerPort,
            SourceAddress = IPAddress.TryParse(spec.SourceAddress, out var source) ? source : null,
            RouterId = routerId,
            HoldTime = hold,
            KeepaliveTime = spec.KeepaliveTime ?? (hold == TimeSpan.Zero ? TimeSpan.Zero : hold / 3),
            ConnectRetryTime = spec.ConnectTime ?? TimeSpan.FromSeconds(5),
            Password = spec.Password ?? SecretPassword(peer, configuration),
            EbgpMultihopTtl = spec.EbgpMultiHop ? MultihopTtl : null,
            BindDevice = string.IsNullOrEmpty(spec.Vrf) ? null : spec.Vrf,
            Families = spec.DualStackAddressFamily ? DualStack : address.AddressFamily == AddressFamily.InterNetwork ? Ipv4Only : Ipv6Only,
            GracefulRestart = spec.EnableGracefulRestart,
            Bfd = Bfd(spec.BfdProfile, configuration),
        };
    }

    private static string Reason(BgpPeer peer, Node? node)
    {
        var spec = peer.Spec;
        if (!IPAddress.TryParse(spec.PeerAddress, out _))
        {
            return $"peerAddress \"{spec.PeerAddress}\" is not an IP address";
        }

        if (PeerAsn(spec) is null)
        {
            return $"neither peerASN nor a dynamicASN of \"internal\" or \"external\" (dynamicASN \"{spec.DynamicAsn}\")";
        }

        return $"no router ID: set spec.routerID, or give Node/{node?.Name ?? "(this node)"} an IPv4 InternalIP or an interface an IPv4 address";
    }

    private static uint LocalAsn(BgpPeerSpec spec) => spec.LocalAsn != 0 ? spec.LocalAsn : spec.MyAsn;

    /// <summary>peerASN; for dynamicASN "internal" our own ASN (an iBGP session); for "external" 0, any other AS being accepted.</summary>
    private static uint? PeerAsn(BgpPeerSpec spec) => spec.PeerAsn != 0 ? spec.PeerAsn
        : string.Equals(spec.DynamicAsn, "internal", StringComparison.Ordinal) ? LocalAsn(spec)
        : IsDynamicExternal(spec) ? 0 : null;

    private static bool IsDynamicExternal(BgpPeerSpec spec) => spec.PeerAsn == 0 && string.Equals(spec.DynamicAsn, "external", StringComparison.Ordinal);

    /// <summary>
    /// spec.routerID, else the node's IPv4 InternalIP, else an IPv4 sourceAddress; failing those, what MetalLB's FRR
    /// (zebra) would pick on an IPv6-only node: the highest IPv4 address on a loopback interface, else the highest on
    /// any interface, 127.0.0.0/8 left out.
    /// </summary>
    private static uint? RouterId(BgpPeerSpec spec, Node? node, IReadOnlyList<HostAddress> host)
    {
        var candidates = new[] { spec.RouterId }
            .Concat(node?.Addresses.Where(a => a.Type == "InternalIP").Select(a => a.Address) ?? [])
            .Append(spec.SourceAddress);
        foreach (var text in candidates)
        {
            if (IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork)
            {
                return BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
            }
        }

        var usable = host.Where(h => h.Address.AddressFamily == AddressFamily.InterNetwork && h.Address.GetAddressBytes()[0] != 127)
            .Select(h => (h.Loopback, Id: BinaryPrimitives.ReadUInt32BigEndian(h.Address.GetAddressBytes())))
            .ToList();
        return usable.Count == 0 ? null
            : usable.Any(u => u.Loopback) ? usable.Where(u => u.Loopback).Max(u => u.Id)
            : usable.Max(u => u.Id);
    }

    private static string? SecretPassword(BgpPeer peer, ClusterConfiguration configuration)
    {
        if (peer.Spec.PasswordSecret is not { } reference)
        {
            return null;
        }

        var ns = string.IsNullOrEmpty(reference.Namespace) ? peer.Namespace : reference.Namespace;
        return configuration.Secrets.FirstOrDefault(s => s.Name == reference.Name && s.Namespace == ns)?.GetValue("password");
    }

    private static BfdSettings? Bfd(string? profileName, ClusterConfiguration configuration)
    {
        if (string.IsNullOrEmpty(profileName) || configuration.BfdProfiles.FirstOrDefault(p => p.Name == profileName) is not { } profile)
        {
            return null;
        }

        // MetalLB's BFDProfile defaults: 300 ms intervals, multiplier 3, minimum TTL 254, active, echo off at 50 ms.
        // echoInterval is both what we send echo at and what we accept, as MetalLB's FRR reads it.
        var echo = profile.Spec.EchoMode == true ? TimeSpan.FromMilliseconds(profile.Spec.EchoInterval ?? 50) : TimeSpan.Zero;
        return new BfdSettings
        {
            EchoTransmitInterval = echo,
            RequiredMinEchoRx = echo,
            DesiredMinTx = TimeSpan.FromMilliseconds(profile.Spec.TransmitInterval ?? 300),
            RequiredMinRx = TimeSpan.FromMilliseconds(profile.Spec.ReceiveInterval ?? 300),
            DetectMultiplier = (byte)Math.Clamp(profile.Spec.DetectMultiplier ?? 3, 2, 255),
            Passive = profile.Spec.PassiveMode ?? false,
            MinimumTtl = (byte)Math.Clamp(profile.Spec.MinimumTtl ?? 254, 1, 255),
        };
    }

    /// <summary>
    /// Echo runs on single-hop IPv4 sessions only: RFC 5883 §3 rules it out over several hops, and IPv6 echo is not
    /// built. Elsewhere the session runs with control packets only and says so rather than pretending.
    /// </summary>
    private static string? EchoModeNotice(BgpPeer peer, BgpPeerSettings settings) =>
        settings.Bfd is { EchoTransmitInterval.Ticks: > 0 } && (settings.EbgpMultihopTtl is not null || settings.PeerAddress.AddressFamily != AddressFamily.InterNetwork)
            ? $"BGPPeer/{peer.Name}: BFDProfile/{peer.Spec.BfdProfile} echoMode is not supported on {(settings.EbgpMultihopTtl is not null ? "a multi-hop" : "an IPv6")} session; BFD runs with control packets only"
            : null;
}
