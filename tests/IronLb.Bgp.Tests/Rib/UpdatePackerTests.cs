using System.Buffers;
using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;

namespace IronLb.Bgp.Tests.Rib;

public sealed class UpdatePackerTests
{
    private static readonly UpdateContext Ebgp = new(64501, false, IPAddress.Parse("192.0.2.11"), IPAddress.Parse("2001:db8:1::11"), BgpCodecOptions.Default);

    private static List<UpdateMessage> Decode(ReadOnlySpan<byte> bytes)
    {
        var messages = new List<UpdateMessage>();
        while (!bytes.IsEmpty)
        {
            var length = BgpMessageReader.ReadHeader(bytes, out var error);
            Assert.Null(error);
            Assert.InRange(length, 19, BgpWire.MaxMessageLength);
            var result = BgpMessageReader.Read(bytes[..length], BgpCodecOptions.Default);
            Assert.Equal(UpdateErrorAction.None, result.Action);
            messages.Add(Assert.IsType<UpdateMessage>(result.Message));
            bytes = bytes[length..];
        }

        return messages;
    }

    private static IPNetwork[] Ipv6HostRoutes(int count) =>
        Enumerable.Range(0, count).Select(i => new IPNetwork(IPAddress.Parse($"2001:db8:100::{i / 65536:x}:{i % 65536:x}"), 128)).ToArray();

    [Fact]
    public void WriteGroup_ManyIpv6HostRoutes_PacksToTheMessageLimit()
    {
        var prefixes = Ipv6HostRoutes(10_000);
        var buffer = new ArrayBufferWriter<byte>();

        var count = UpdatePacker.WriteGroup(buffer, new RouteGroup(BgpFamily.Ipv6Unicast, RouteAttributes.Default, prefixes), Ebgp);

        var messages = Decode(buffer.WrittenSpan);
        Assert.Equal(count, messages.Count);
        Assert.Equal(prefixes, messages.SelectMany(m => m.Attributes!.MpReach!.Prefixes));

        // 17 octets per /128: anything above ~235 per UPDATE would not fit; below ~225 would waste space.
        Assert.InRange(messages.Count, 10_000 / 236, (10_000 / 225) + 1);
        Assert.All(messages, m => Assert.Equal(IPAddress.Parse("2001:db8:1::11"), m.Attributes!.MpReach!.NextHop));
    }

    [Fact]
    public void WriteGroup_Ipv4WithCommunities_CarriesAttributesInEveryUpdate()
    {
        var attributes = new RouteAttributes(communities: [RouteAttributes.ParseCommunity("64500:100")], largeCommunities: [new(64500, 1, 2)]);
        // Every /32 of the three IPv4 documentation ranges: 768 prefixes of 5 octets fit one UPDATE.
        string[] ranges = ["192.0.2", "198.51.100", "203.0.113"];
        var prefixes = ranges.SelectMany(r => Enumerable.Range(0, 256).Select(i => IPNetwork.Parse($"{r}.{i}/32"))).ToArray();
        var buffer = new ArrayBufferWriter<byte>();

        UpdatePacker.WriteGroup(buffer, new RouteGroup(BgpFamily.Ipv4Unicast, attributes, prefixes), Ebgp);

        var messages = Decode(buffer.WrittenSpan);
        Assert.Single(messages);
        var a = messages[0].Attributes!;
        Assert.Equal((BgpOrigin?)BgpOrigin.Incomplete, a.Origin);
        Assert.Equal([64501u], a.AsPath![0].Asns);
        Assert.Equal(IPAddress.Parse("192.0.2.11"), a.NextHop);
        Assert.Null(a.LocalPref);
        Assert.Equal(attributes.Communities, a.Communities);
        Assert.Equal(768, messages[0].Nlri.Count);
    }

    [Fact]
    public void WriteGroup_Ibgp_EmptyAsPathAndDefaultLocalPref()
    {
        var buffer = new ArrayBufferWriter<byte>();

        UpdatePacker.WriteGroup(buffer, new RouteGroup(BgpFamily.Ipv4Unicast, RouteAttributes.Default, [IPNetwork.Parse("203.0.113.1/32")]), Ebgp with { IsInternal = true });

        var a = Assert.Single(Decode(buffer.WrittenSpan)).Attributes!;
        Assert.Empty(a.AsPath!);
        Assert.Equal(100u, a.LocalPref);
    }

    [Fact]
    public void Write_Withdrawals_BothFamiliesFitAndDecode()
    {
        var v6 = Ipv6HostRoutes(1000);
        var v4 = new[] { IPNetwork.Parse("203.0.113.0/24") };
        var buffer = new ArrayBufferWriter<byte>();

        UpdatePacker.Write(buffer, new RibChanges([], new Dictionary<BgpFamily, IReadOnlyList<IPNetwork>> { [BgpFamily.Ipv6Unicast] = v6, [BgpFamily.Ipv4Unicast] = v4 }), Ebgp);

        var messages = Decode(buffer.WrittenSpan);
        Assert.Equal(v6, messages.Where(m => m.Attributes?.MpUnreach is not null).SelectMany(m => m.Attributes!.MpUnreach!.Prefixes));
        Assert.Equal(v4, messages.SelectMany(m => m.Withdrawn));
        Assert.True(messages.Count <= 6);
    }

    [Fact]
    public void EndOfRib_BothFamilies_DecodeAsEndOfRib()
    {
        var v4 = BgpMessageReader.Read(BgpMessageWriter.ToArray(UpdatePacker.EndOfRib(BgpFamily.Ipv4Unicast), BgpCodecOptions.Default), BgpCodecOptions.Default);
        var v6 = BgpMessageReader.Read(BgpMessageWriter.ToArray(UpdatePacker.EndOfRib(BgpFamily.Ipv6Unicast), BgpCodecOptions.Default), BgpCodecOptions.Default);

        Assert.Equal(BgpFamily.Ipv4Unicast, ((UpdateMessage)v4.Message!).EndOfRibFamily);
        Assert.Equal(BgpFamily.Ipv6Unicast, ((UpdateMessage)v6.Message!).EndOfRibFamily);
    }
}
