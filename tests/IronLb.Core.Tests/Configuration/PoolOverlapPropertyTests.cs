using CsCheck;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class PoolOverlapPropertyTests
{
    [Fact]
    public void Validate_RandomPools_ReportsExactlyThePairsThatShareAnAddress()
    {
        // Pools of one or two small ranges inside 192.0.2.0/24, so that overlaps are frequent.
        var range = Gen.Select(Gen.Byte, Gen.Byte[0, 24]).Select(r => (First: (int)r.Item1, Last: Math.Min(255, r.Item1 + r.Item2)));
        var pool = range.Array[1, 2];
        pool.Array[1, 12].Sample(pools =>
        {
            var configuration = ClusterConfiguration.Empty with
            {
                IpAddressPools = ValueList.From(pools.Select((ranges, i) => new IpAddressPool
                {
                    Metadata = new ObjectMeta { Name = $"p{i}" },
                    Spec = new IpAddressPoolSpec { Addresses = ValueList.From(ranges.Select(r => $"192.0.2.{r.First}-192.0.2.{r.Last}")) },
                })),
            };
            var flat = pools.SelectMany(ranges => ranges).ToArray();
            var expected = 0;
            for (var later = 0; later < flat.Length; later++)
            {
                for (var earlier = 0; earlier < later; earlier++)
                {
                    expected += flat[earlier].First <= flat[later].Last && flat[later].First <= flat[earlier].Last ? 1 : 0;
                }
            }

            var reported = ConfigurationValidator.Validate(configuration).Count(e => e.Message.Contains(" overlaps with ", StringComparison.Ordinal));

            Assert.Equal(expected, reported);
        });
    }
}
