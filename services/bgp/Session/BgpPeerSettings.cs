using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

/// <summary>One BGP neighbour as BGPPeer describes it, plus the speaker's own identity.</summary>
internal sealed record BgpPeerSettings
{
    /// <summary>This speaker's AS number.</summary>
    public required uint LocalAsn { get; init; }

    /// <summary>The neighbour's AS number; equal to LocalAsn makes an iBGP session. Ignored when <see cref="AnyExternalPeerAs"/>.</summary>
    public required uint PeerAsn { get; init; }

    /// <summary>BGPPeer dynamicASN "external": whatever AS the neighbour's OPEN names is accepted, as long as it is not ours (eBGP).</summary>
    public bool AnyExternalPeerAs { get; init; }

    /// <summary>The neighbour's address.</summary>
    public required IPAddress PeerAddress { get; init; }

    /// <summary>The neighbour's TCP port. Default: 179.</summary>
    public int PeerPort { get; init; } = 179;

    /// <summary>The local address to connect from (BGPPeer sourceAddress), or null for the kernel's choice.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>The BGP Identifier (router ID) in host order.</summary>
    public required uint RouterId { get; init; }

    /// <summary>Hold time offered in OPEN; zero disables keepalives. Default: 90 s.</summary>
    public TimeSpan HoldTime { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Keepalive interval; the negotiated hold time / 3 when that is smaller. Default: 30 s.</summary>
    public TimeSpan KeepaliveTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ConnectRetry time (RFC 4271 §10). Default: 5 s (MetalLB's connectTime default is 5 s, not the RFC's 120 s).</summary>
    public TimeSpan ConnectRetryTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before a restart after an error; doubles per consecutive failure. Default: 1 s.</summary>
    public TimeSpan IdleHoldTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Ceiling of that backoff. Default: 60 s.</summary>
    public TimeSpan MaxIdleHoldTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Only accept connections, never initiate (BGPPeer passive). Default: false.</summary>
    public bool Passive { get; init; }

    /// <summary>TCP MD5 signature key (BGPPeer password), or null.</summary>
    public string? Password { get; init; }

    /// <summary>IP TTL for eBGP multihop; null means 1 hop for eBGP (RFC 4271 §5.1.3 "directly connected") and the default for iBGP.</summary>
    public int? EbgpMultihopTtl { get; init; }

    /// <summary>Interface to bind to (BGPPeer vrf maps to its VRF device), or null.</summary>
    public string? BindDevice { get; init; }

    /// <summary>Families to negotiate. Default: IPv4 and IPv6 unicast (dual stack over one session).</summary>
    public IReadOnlyList<BgpFamily> Families { get; init; } = [BgpFamily.Ipv4Unicast, BgpFamily.Ipv6Unicast];

    /// <summary>Advertise graceful restart (BGPPeer enableGracefulRestart). Default: false.</summary>
    public bool GracefulRestart { get; init; }

    /// <summary>Restart time advertised with graceful restart. Default: 120 s.</summary>
    public TimeSpan GracefulRestartTime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>NEXT_HOP for IPv4 prefixes; null uses the session's local address when it is IPv4.</summary>
    public IPAddress? Ipv4NextHop { get; init; }

    /// <summary>Next hop for IPv6 prefixes (needed when they ride an IPv4 session); null uses the session's local IPv6 address.</summary>
    public IPAddress? Ipv6NextHop { get; init; }

    /// <summary>BFD timers from the BGPPeer's BFDProfile, or null for no BFD.</summary>
    public Bfd.BfdSettings? Bfd { get; init; }

    /// <summary>The BGPPeer's name, which announcements use to pick their peers.</summary>
    public string Name { get; init; } = "";

    public bool IsInternal => !AnyExternalPeerAs && LocalAsn == PeerAsn;

    /// <summary>Whether a neighbour's OPEN may name <paramref name="asn"/> (RFC 4271 §6.2: otherwise Bad Peer AS).</summary>
    public bool AcceptsPeerAs(uint asn) => AnyExternalPeerAs ? asn != LocalAsn : asn == PeerAsn;
}
