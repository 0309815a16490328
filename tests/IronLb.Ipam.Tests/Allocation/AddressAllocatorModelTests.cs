using CsCheck;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Tests.Allocation;

/// <summary>
/// The allocator against a model of MetalLB's search: walk the pool's ranges in the order listed, each in ascending
/// order, and take the first address that is not avoided and is either unused or usable alongside its users. Same
/// answers, every time.
/// </summary>
public class AddressAllocatorModelTests
{
    private static readonly Dictionary<string, string> NoLabels = [];

    [Fact]
    public void Allocate_RandomAllocateAndRelease_SameAddressAsLinearWalk()
    {
        var genRange = Gen.Select(Gen.Int[0, 600], Gen.Int[0, 40]).Select((start, length) => (Start: start, Length: length));
        var genOp = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 29], Gen.Int[0, 2], Gen.Int[0, 2]);
        Gen.Select(genRange.Array[1, 3], Gen.Bool, genOp.Array[1, 120]).Sample((ranges, avoidBuggy, ops) =>
        {
            var baseValue = IpAddressValue.Parse("192.0.2.0").Value;
            var texts = ranges.Select(r => new AddressRange(IpFamily.IPv4, baseValue + (uint)r.Start, baseValue + (uint)(r.Start + r.Length)).ToString()).ToArray();
            var pool = AddressPoolDefinition.Create("p", texts, avoidBuggyIps: avoidBuggy);
            var allocator = new AddressAllocator([pool]);
            var addresses = pool.Ranges
                .SelectMany(r => Enumerable.Range(0, (int)r.Count).Select(i => new IpAddressValue(IpFamily.IPv4, r.First + (uint)i)))
                .Where(a => !(avoidBuggy && a.IsBuggyFirmwareAddress))
                .Distinct()
                .ToArray();
            var model = new Dictionary<ServiceKey, (IpAddressValue Address, string? Key, int Port)>();

            foreach (var (kind, n, key, port) in ops)
            {
                var service = new ServiceKey("ns", "s" + n);
                if (kind == 0)
                {
                    Assert.Equal(model.Remove(service), allocator.Release(service));
                    continue;
                }

                if (model.ContainsKey(service))
                {
                    continue;
                }

                string? sharingKey = key == 0 ? null : "k" + key;
                var request = new AllocationRequest(service, [], null, FamilyPolicy.SingleStack, [IpFamily.IPv4], sharingKey, "", [new PortKey("TCP", port)], NoLabels, NoLabels);
                IpAddressValue? expected = addresses
                    .Where(a => model.Values.Where(u => u.Address == a).All(u => sharingKey is not null && u.Key == sharingKey && u.Port != port))
                    .Select(a => (IpAddressValue?)a)
                    .FirstOrDefault();

                var outcome = allocator.Allocate(request);

                Assert.Equal(expected, outcome.Assignment?.Addresses[0]);
                if (expected is { } taken)
                {
                    model[service] = (taken, sharingKey, port);
                }
            }
        }, iter: 300);
    }
}
