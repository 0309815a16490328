using System.Net;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Handoff;

namespace IronLb.Layer2.Tests.Handoff;

public sealed class BeaconTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:00:00:00:00:11");

    [Fact]
    public void ToFrames_ThenTryParse_RoundTripsEveryEntry()
    {
        var beacon = new Beacon("node-a", 42, false,
        [
            new BeaconEntry(IPAddress.Parse("203.0.113.10"), 7, BeaconEntryKind.Held),
            new BeaconEntry(IPAddress.Parse("2001:db8::10"), 8, BeaconEntryKind.Claim),
            new BeaconEntry(IPAddress.Parse("203.0.113.11"), long.MaxValue, BeaconEntryKind.Released),
        ]);

        var frame = Assert.Single(beacon.ToFrames(Mac));
        Assert.True(Beacon.TryParse(frame, out var source, out var parsed));

        Assert.Equal(Mac, source);
        Assert.Equal(beacon.Node, parsed!.Node);
        Assert.Equal((42, false), (parsed.Sequence, parsed.Leaving));
        Assert.Equal(beacon.Entries, parsed.Entries);
    }

    [Fact]
    public void ToFrames_MoreEntriesThanOneFrameHolds_SplitsAcrossFramesOfAtMostAnMtu()
    {
        var entries = Enumerable.Range(0, 300).Select(i => new BeaconEntry(IPAddress.Parse($"2001:db8::{i:x}"), i, BeaconEntryKind.Held)).ToList();
        var beacon = new Beacon("node-a", 1, true, entries);

        var frames = beacon.ToFrames(Mac).ToList();
        var parsed = frames.Select(f => Beacon.TryParse(f, out _, out var b) ? b! : throw new InvalidOperationException("unparsed")).ToList();

        Assert.True(frames.Count > 1);
        Assert.All(frames, f => Assert.True(f.Length <= Beacon.MaxFrameLength));
        Assert.Equal(entries, parsed.SelectMany(b => b.Entries));
        Assert.All(parsed, b => Assert.True(b.Leaving));
    }

    [Fact]
    public void TryParse_TruncatedAnywhere_ReturnsFalseNeverThrows()
    {
        var frame = new Beacon("node-a", 1, false, [new BeaconEntry(IPAddress.Parse("203.0.113.10"), 1, BeaconEntryKind.Held)]).ToFrames(Mac).Single();

        for (var length = 0; length < frame.Length; length++)
        {
            Assert.False(Beacon.TryParse(frame.AsSpan(0, length), out _, out _));
        }
    }

    [Fact]
    public void TryParse_OtherVersionOrUnknownKind_ReturnsFalse()
    {
        var frame = new Beacon("node-a", 1, false, [new BeaconEntry(IPAddress.Parse("203.0.113.10"), 1, BeaconEntryKind.Held)]).ToFrames(Mac).Single();
        var otherVersion = (byte[])frame.Clone();
        otherVersion[17] = 2;
        var unknownKind = (byte[])frame.Clone();
        unknownKind[EthernetHeader.Length + 6 + "node-a".Length + 10] = 9;

        Assert.False(Beacon.TryParse(otherVersion, out _, out _));
        Assert.False(Beacon.TryParse(unknownKind, out _, out _));
    }
}
