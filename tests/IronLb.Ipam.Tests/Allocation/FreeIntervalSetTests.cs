using CsCheck;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Tests.Allocation;

public class FreeIntervalSetTests
{
    [Fact]
    public void TryTake_LowestRepeatedly_HandsOutAscending()
    {
        var set = new FreeIntervalSet();
        set.AddRange(10, 14);

        var taken = new List<UInt128>();
        while (set.TryGetLowest(out var a))
        {
            Assert.True(set.TryTake(a));
            taken.Add(a);
        }

        Assert.Equal(new UInt128[] { 10, 11, 12, 13, 14 }, taken);
        Assert.Equal(UInt128.Zero, set.FreeCount);
    }

    [Fact]
    public void TryRelease_MiddleOfTakenRun_BecomesLowest()
    {
        var set = new FreeIntervalSet();
        set.AddRange(0, 9);
        for (UInt128 a = 0; a < 10; a++)
        {
            set.TryTake(a);
        }

        Assert.True(set.TryRelease(6));
        Assert.True(set.TryRelease(3));

        Assert.True(set.TryGetLowest(out var lowest));
        Assert.Equal((UInt128)3, lowest);
        Assert.Equal(2, set.IntervalCount);
    }

    [Fact]
    public void TryRelease_BridgingTwoIntervals_MergesThem()
    {
        var set = new FreeIntervalSet();
        set.AddRange(0, 9);
        set.TryTake(5);
        Assert.Equal(2, set.IntervalCount);

        set.TryRelease(5);

        Assert.Equal(1, set.IntervalCount);
        Assert.Equal((UInt128)10, set.FreeCount);
    }

    [Fact]
    public void TryTake_AlreadyTaken_ReturnsFalse()
    {
        var set = new FreeIntervalSet();
        set.AddRange(0, 3);

        Assert.True(set.TryTake(2));
        Assert.False(set.TryTake(2));
        Assert.False(set.TryTake(4));
        Assert.False(set.TryRelease(1));
    }

    [Fact]
    public void TryTake_WholeIpv6SpaceEdges_NoOverflow()
    {
        var set = new FreeIntervalSet();
        set.AddRange(UInt128.Zero, UInt128.MaxValue);

        Assert.True(set.TryTake(UInt128.MaxValue));
        Assert.True(set.TryTake(UInt128.Zero));
        Assert.True(set.TryGetLowestAtLeast(UInt128.MaxValue - 1, out var a));
        Assert.Equal(UInt128.MaxValue - 1, a);
        Assert.False(set.TryGetLowestAtLeast(UInt128.MaxValue, out _));
        Assert.True(set.TryRelease(UInt128.MaxValue));
        Assert.True(set.TryRelease(UInt128.Zero));
        Assert.Equal(1, set.IntervalCount);
    }

    [Fact]
    public void TakeAndRelease_RandomSequences_MatchReferenceModel()
    {
        // Operations: (take lowest | take x | release x) over a 64-address universe, checked against a plain set.
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 63]);
        op.Array[1, 300].Sample(ops =>
        {
            var set = new FreeIntervalSet();
            set.AddRange(0, 63);
            var model = new SortedSet<int>(Enumerable.Range(0, 64));
            foreach (var (kind, x) in ops)
            {
                switch (kind)
                {
                    case 0:
                        var has = set.TryGetLowest(out var lowest);
                        Assert.Equal(model.Count > 0, has);
                        if (has)
                        {
                            Assert.Equal((UInt128)model.Min, lowest);
                            Assert.True(set.TryTake(lowest));
                            model.Remove(model.Min);
                        }

                        break;
                    case 1:
                        Assert.Equal(model.Remove(x), set.TryTake((UInt128)x));
                        break;
                    default:
                        Assert.Equal(model.Add(x), set.TryRelease((UInt128)x));
                        break;
                }

                Assert.Equal((UInt128)model.Count, set.FreeCount);
                Assert.Equal(CountRuns(model), set.IntervalCount);
            }
        }, iter: 300);
    }

    private static int CountRuns(SortedSet<int> model)
    {
        var runs = 0;
        var previous = int.MinValue;
        foreach (var x in model)
        {
            if (x != previous + 1)
            {
                runs++;
            }

            previous = x;
        }

        return runs;
    }
}
