namespace IronLb.Bgp.Protocol;

/// <summary>An AFI/SAFI pair (RFC 4760 §3).</summary>
internal readonly record struct BgpFamily(ushort Afi, byte Safi)
{
    public const ushort AfiIpv4 = 1;
    public const ushort AfiIpv6 = 2;
    public const byte SafiUnicast = 1;

    public static BgpFamily Ipv4Unicast { get; } = new(AfiIpv4, SafiUnicast);

    public static BgpFamily Ipv6Unicast { get; } = new(AfiIpv6, SafiUnicast);

    /// <summary>Bytes of an address of this family, or 0 when the AFI is not IP.</summary>
    public int AddressLength => Afi switch { AfiIpv4 => 4, AfiIpv6 => 16, _ => 0 };

    public static BgpFamily Of(System.Net.IPNetwork prefix) =>
        prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6Unicast : Ipv4Unicast;

    public override string ToString() => this == Ipv4Unicast ? "ipv4-unicast" : this == Ipv6Unicast ? "ipv6-unicast" : $"afi{Afi}/safi{Safi}";
}
