namespace IronLb.Layer2.Capture;

/// <summary>The kernel (BPF) filter that lets only ARP requests, neighbour solicitations and other nodes' hand-over
/// beacons (EtherType 0x88B5) reach user space.</summary>
internal static class CaptureFilter
{
    /// <summary>arp[6:2] is the ARP opcode (1 = request); ip6[40] is the ICMPv6 type right after a bare IPv6 header
    /// (135 = neighbour solicitation). Solicitations behind extension headers are not seen; neighbour discovery
    /// never uses them in practice and the parser would drop them anyway.</summary>
    public const string Expression = "(arp and arp[6:2] = 1) or (icmp6 and ip6[40] = 135) or (ether proto 0x88b5)";
}
