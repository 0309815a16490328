namespace IronLb.Core.Configuration;

/// <summary>metallb.io/v1beta1 BFDProfile: BFD session settings a BGPPeer can refer to.</summary>
public sealed record BfdProfile() : ManifestObject(KindName)
{
    public const string KindName = "BFDProfile";

    public BfdProfileSpec Spec { get; init; } = new();
}

/// <summary>The spec of a BFDProfile; null means "not set", and the MetalLB default applies.</summary>
public sealed record BfdProfileSpec
{
    /// <summary>Required Min RX Interval in milliseconds (RFC 5880 §6.8.1); MetalLB default 300.</summary>
    public uint? ReceiveInterval { get; init; }

    /// <summary>Desired Min TX Interval in milliseconds; MetalLB default 300.</summary>
    public uint? TransmitInterval { get; init; }

    /// <summary>Detect Mult (RFC 5880 §4.1); MetalLB default 3.</summary>
    public uint? DetectMultiplier { get; init; }

    /// <summary>Required Min Echo RX Interval in milliseconds; MetalLB default 50.</summary>
    public uint? EchoInterval { get; init; }

    public bool? EchoMode { get; init; }

    public bool? PassiveMode { get; init; }

    /// <summary>Lowest TTL accepted on multi-hop sessions (RFC 5883); MetalLB default 254.</summary>
    public uint? MinimumTtl { get; init; }
}
