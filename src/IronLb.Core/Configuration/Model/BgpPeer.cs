namespace IronLb.Core.Configuration;

/// <summary>metallb.io BGPPeer (v1beta1 or v1beta2, see <see cref="ManifestObject.ApiVersion"/>): one BGP session per matching node.</summary>
public sealed record BgpPeer() : ManifestObject(KindName)
{
    public const string KindName = "BGPPeer";

    public BgpPeerSpec Spec { get; init; } = new();
}

/// <summary>The spec of a BGPPeer; v1beta1 manifests fill only the fields v1beta1 has.</summary>
public sealed record BgpPeerSpec
{
    /// <summary>MetalLB's default BGP port.</summary>
    public const int DefaultPeerPort = 179;

    /// <summary>Local AS number; 0 when missing (AS 0 is reserved, RFC 7607).</summary>
    public uint MyAsn { get; init; }

    /// <summary>Remote AS number; 0 when not set (then <see cref="DynamicAsn"/> should be).</summary>
    public uint PeerAsn { get; init; }

    /// <summary>"internal" or "external": accept whatever ASN the peer announces of that sort; null when not set (v1beta2).</summary>
    public string? DynamicAsn { get; init; }

    public string? PeerAddress { get; init; }

    /// <summary>Node interface for unnumbered BGP, instead of <see cref="PeerAddress"/> (v1beta2).</summary>
    public string? Interface { get; init; }

    public string? SourceAddress { get; init; }

    /// <summary>TCP port to dial; default 179.</summary>
    public int PeerPort { get; init; } = DefaultPeerPort;

    /// <summary>Proposed hold time (RFC 4271 §4.2); null when not set.</summary>
    public TimeSpan? HoldTime { get; init; }

    public TimeSpan? KeepaliveTime { get; init; }

    /// <summary>Time between connection attempts (v1beta2); null when not set.</summary>
    public TimeSpan? ConnectTime { get; init; }

    public string? RouterId { get; init; }

    /// <summary>Nodes that open this session; empty means every node.</summary>
    public ValueList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>TCP MD5 password in clear (RFC 2385).</summary>
    public string? Password { get; init; }

    /// <summary>Secret holding the TCP MD5 password under key "password" (v1beta2).</summary>
    public SecretReference? PasswordSecret { get; init; }

    public string? BfdProfile { get; init; }

    public bool EbgpMultiHop { get; init; }

    /// <summary>Host VRF to open the session from (v1beta2).</summary>
    public string? Vrf { get; init; }

    public bool EnableGracefulRestart { get; init; }

    /// <summary>Separate IPv4 and IPv6 sessions (v1beta2, deprecated by MetalLB in favour of dualStackAddressFamily).</summary>
    public bool DisableMp { get; init; }

    public bool DualStackAddressFamily { get; init; }

    /// <summary>
    /// The AS number the peer sees instead of <see cref="MyAsn"/> (v1beta2; MetalLB's FRR "local-as ASN no-prepend
    /// replace-as"); 0 when not set.
    /// </summary>
    public uint LocalAsn { get; init; }
}
