namespace IronLb.Bgp.Protocol;

/// <summary>Capability codes (IANA "Capability Codes").</summary>
internal enum CapabilityCode : byte
{
    Multiprotocol = 1,
    RouteRefresh = 2,
    GracefulRestart = 64,
    FourOctetAs = 65,
}

/// <summary>One capability advertised in OPEN (RFC 5492).</summary>
internal abstract record Capability(byte Code);

/// <summary>Multiprotocol extensions for one family (RFC 4760 §8).</summary>
internal sealed record MultiprotocolCapability(BgpFamily Family) : Capability((byte)CapabilityCode.Multiprotocol);

/// <summary>Route refresh (RFC 2918 §2).</summary>
internal sealed record RouteRefreshCapability() : Capability((byte)CapabilityCode.RouteRefresh);

/// <summary>4-octet AS number support carrying the sender's AS (RFC 6793 §3).</summary>
internal sealed record FourOctetAsCapability(uint Asn) : Capability((byte)CapabilityCode.FourOctetAs);

/// <summary>Graceful restart (RFC 4724 §3): restart flags, restart time, and per-family forwarding state.</summary>
internal sealed record GracefulRestartCapability(bool Restarting, ushort RestartTimeSeconds, IReadOnlyList<GracefulRestartFamily> Families)
    : Capability((byte)CapabilityCode.GracefulRestart)
{
    public bool Equals(GracefulRestartCapability? other) =>
        other is not null && Restarting == other.Restarting && RestartTimeSeconds == other.RestartTimeSeconds && Families.SequenceEqual(other.Families);

    public override int GetHashCode() => HashCode.Combine(Restarting, RestartTimeSeconds, Families.Count);
}

/// <summary>One family in the graceful restart capability; ForwardingPreserved is the F bit.</summary>
internal readonly record struct GracefulRestartFamily(BgpFamily Family, bool ForwardingPreserved);

/// <summary>A capability this speaker does not interpret, kept as received.</summary>
internal sealed record UnknownCapability(byte RawCode, byte[] Value) : Capability(RawCode)
{
    public bool Equals(UnknownCapability? other) => other is not null && RawCode == other.RawCode && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => HashCode.Combine(RawCode, Value.Length);
}
