using System.Diagnostics;
using System.Net;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;
using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Bench;

/// <summary>One probe target: ARP or NDP, and the address asked for.</summary>
internal sealed record Layer2ProbeTarget(string Name, bool Ndp, IPAddress Address);

/// <summary>Latency figures of one probe run, from wire timestamps at the peer's interface.</summary>
internal sealed record Layer2ProbeResult(int Sent, double AchievedRate, int RequestsSeen, int Answered, int Lost, double? MedianUs, double? P90Us, double? P99Us, double? MaxUs, uint CaptureDrops);

/// <summary>Runs inside the peer namespace: sends ARP requests or neighbour solicitations at a fixed rate and pairs
/// each with its reply by a sequence number carried in the sender MAC (02:5e:00:xx:xx:xx), which both Linux and the
/// announcer echo back as the reply's destination; timestamps are libpcap's for the request leaving and the reply
/// arriving at the peer's eth0.</summary>
internal sealed class Layer2BenchProbe(string interfaceName, IPAddress peerIPv4, IPAddress peerIPv6)
{
    private const ulong SequencePrefix = 0x025E_0000_0000;
    private const int SequenceSpace = 1 << 20;
    private readonly PcapInterface _interface = PcapInterface.GetAllPcapInterfaces().First(i => i.Name == interfaceName);
    private int _nextSequence;

    public Layer2ProbeResult Run(Layer2ProbeTarget target, int rate, int count)
    {
        using var sender = new LibPcapLiveDevice(_interface);
        sender.Open(new DeviceConfiguration { Mode = DeviceModes.None, Immediate = true });
        using var capture = new LibPcapLiveDevice(_interface);
        capture.Open(new DeviceConfiguration
        {
            // Promiscuous: replies go to the made-up sender MACs, not to this interface's own.
            Mode = DeviceModes.Promiscuous,
            Immediate = true,
            ReadTimeout = 50,
            Snaplen = 128,
            BufferSize = 32 << 20,
        });
        capture.Filter = target.Ndp ? "icmp6 and (ip6[40] = 135 or ip6[40] = 136)" : "arp";

        var firstSequence = _nextSequence;
        _nextSequence = (_nextSequence + count) % SequenceSpace;
        var requestAt = new long[count];
        var replyAt = new long[count];
        var stop = false;
        var captureThread = new Thread(() => CaptureLoop(capture, target, firstSequence, count, requestAt, replyAt, () => Volatile.Read(ref stop)))
        {
            IsBackground = true,
            Priority = ThreadPriority.AboveNormal,
        };
        captureThread.Start();

        var frame = new byte[NdpMessage.MaxFrameLength];
        var interval = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        for (var i = 0; i < count; i++)
        {
            var due = start + (long)(i * interval);

            // Yield rather than spin hard: the responder under test shares the same two CPUs.
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Yield();
            }

            var mac = MacAddress.FromUInt64(SequencePrefix | (uint)((firstSequence + i) % SequenceSpace));
            var length = target.Ndp
                ? NdpMessage.Solicitation(peerIPv6, target.Address, mac).WriteFrame(SolicitedNodeAddress.MulticastMac(SolicitedNodeAddress.For(target.Address)), mac, frame)
                : new ArpPacket(ArpOperation.Request, mac, peerIPv4, MacAddress.Zero, target.Address).WriteFrame(MacAddress.Broadcast, mac, frame);
            sender.SendPacket(frame.AsSpan(0, length));
        }

        // Under CPU contention the sender can fall behind its schedule; report the rate actually offered.
        var achievedRate = count / Stopwatch.GetElapsedTime(start).TotalSeconds;

        // Replies to the last requests: allow half a second, which is thousands of times the expected latency.
        var drainUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        while (Stopwatch.GetTimestamp() < drainUntil && replyAt.AsSpan().Contains(0))
        {
            Thread.Sleep(10);
        }

        Volatile.Write(ref stop, true);
        captureThread.Join(TimeSpan.FromSeconds(5));
        var drops = capture.Statistics.DroppedPackets + capture.Statistics.InterfaceDroppedPackets;

        var latencies = new List<double>(count);
        int seen = 0, answered = 0;
        for (var i = 0; i < count; i++)
        {
            seen += requestAt[i] != 0 ? 1 : 0;
            answered += replyAt[i] != 0 ? 1 : 0;
            if (requestAt[i] != 0 && replyAt[i] != 0)
            {
                latencies.Add(replyAt[i] - requestAt[i]);
            }
        }

        latencies.Sort();
        return new Layer2ProbeResult(count, Math.Round(achievedRate), seen, answered, count - answered,
            Percentile(latencies, 0.5), Percentile(latencies, 0.9), Percentile(latencies, 0.99), latencies.Count == 0 ? null : latencies[^1], drops);
    }

    private static void CaptureLoop(LibPcapLiveDevice capture, Layer2ProbeTarget target, int firstSequence, int count, long[] requestAt, long[] replyAt, Func<bool> stopped)
    {
        while (!stopped())
        {
            if (capture.GetNextPacket(out var packet) != GetPacketStatus.PacketRead)
            {
                continue;
            }

            var timeval = packet.Header.Timeval;
            var micros = (long)(timeval.Seconds * 1_000_000 + timeval.MicroSeconds);
            var (isRequest, mac) = Classify(packet.Data, target);
            if (mac is not { } m || (m.ToUInt64() & ~0xFFFFFFUL) != SequencePrefix)
            {
                continue;
            }

            var index = ((int)(m.ToUInt64() & 0xFFFFFF) - firstSequence + SequenceSpace) % SequenceSpace;
            if (index >= count)
            {
                continue;
            }

            var slot = isRequest ? requestAt : replyAt;
            if (slot[index] == 0)
            {
                slot[index] = micros;
            }
        }
    }

    /// <summary>A request yields its sender MAC; a reply for the target yields the MAC it was sent to.</summary>
    private static (bool IsRequest, MacAddress? Mac) Classify(ReadOnlySpan<byte> frame, Layer2ProbeTarget target)
    {
        if (target.Ndp)
        {
            if (!NdpMessage.TryParse(frame, out var ethernet, out var message, out _) || !message!.Target.Equals(target.Address))
            {
                return (false, null);
            }

            return message.Type == NdpMessageType.NeighborSolicitation ? (true, ethernet.Source) : (false, ethernet.Destination);
        }

        if (!ArpPacket.TryParse(frame, out _, out var arp, out _))
        {
            return (false, null);
        }

        return arp.Operation == ArpOperation.Request
            ? (arp.TargetProtocolAddress.Equals(target.Address) ? (true, arp.SenderHardwareAddress) : (false, null))
            : (arp.SenderProtocolAddress.Equals(target.Address) ? (false, arp.TargetHardwareAddress) : (false, null));
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
