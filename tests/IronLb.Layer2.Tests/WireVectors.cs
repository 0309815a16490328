namespace IronLb.Layer2.Tests;

/// <summary>Frames captured with tcpdump -xx between two Linux 6.1 network namespaces (arping 2.23, ndisc6 1.0.5).</summary>
internal static class WireVectors
{
    /// <summary>arping from 02:00:00:00:00:64 / 192.0.2.100 asking for 192.0.2.11; arping pads to 44 bytes of ARP.</summary>
    public static readonly byte[] ArpRequest = Hex(
        "ffff ffff ffff 0200 0000 0064 0806 0001 0800 0604 0001 0200 0000 0064 c000 0264" +
        "0000 0000 0000 c000 020b 0000 0000 0000 0000 0000 0000 0000 0000");

    /// <summary>The Linux kernel's reply from 02:00:00:00:00:11.</summary>
    public static readonly byte[] KernelArpReply = Hex(
        "0200 0000 0064 0200 0000 0011 0806 0001 0800 0604 0002 0200 0000 0011 c000 020b" +
        "0200 0000 0064 c000 0264");

    /// <summary>ndisc6 from fe80::ff:fe00:64 (02:00:00:00:00:64) soliciting 2001:db8:1::11, with a source link-layer option.</summary>
    public static readonly byte[] NeighborSolicitation = Hex(
        "3333 ff00 0011 0200 0000 0064 86dd 6001 b87b 0020 3aff fe80 0000 0000 0000 0000" +
        "00ff fe00 0064 ff02 0000 0000 0000 0000 0001 ff00 0011 8700 4b7a 0000 0000 2001" +
        "0db8 0001 0000 0000 0000 0000 0011 0101 0200 0000 0064");

    /// <summary>The Linux kernel's solicited advertisement from 02:00:00:00:00:11 (S and O set, target link-layer option).</summary>
    public static readonly byte[] KernelNeighborAdvertisement = Hex(
        "0200 0000 0064 0200 0000 0011 86dd 6000 0000 0020 3aff 2001 0db8 0001 0000 0000" +
        "0000 0000 0011 fe80 0000 0000 0000 0000 00ff fe00 0064 8800 ba17 6000 0000 2001" +
        "0db8 0001 0000 0000 0000 0000 0011 0201 0200 0000 0011");

    /// <summary>The kernel's duplicate address detection probe for fe80::ff:fe00:11: unspecified source, nonce option (RFC 7527).</summary>
    public static readonly byte[] DadSolicitation = Hex(
        "3333 ff00 0011 0200 0000 0011 86dd 6000 0000 0020 3aff 0000 0000 0000 0000 0000" +
        "0000 0000 0000 ff02 0000 0000 0000 0000 0001 ff00 0011 8700 a56c 0000 0000 fe80" +
        "0000 0000 0000 0000 00ff fe00 0011 0e01 d5ff caec 28a3");

    public static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));
}
