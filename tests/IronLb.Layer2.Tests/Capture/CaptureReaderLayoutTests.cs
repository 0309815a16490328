using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Tests.Capture;

public class CaptureReaderLayoutTests
{
    [Fact]
    public void For_OneCpuOrNone_SingleUnpinnedReader()
    {
        Assert.Empty(CaptureReaderLayout.For([]));
        Assert.Empty(CaptureReaderLayout.For([3]));
    }

    [Fact]
    public void For_AllCpusAllowed_ReaderPKeptOnCpuP()
    {
        Assert.Equal([0, 1, 2, 3], CaptureReaderLayout.For([0, 1, 2, 3]));
    }

    [Fact]
    public void For_CpusetWithGaps_PositionsOfOtherCpusUnpinned()
    {
        // A container limited to CPUs 2 and 3: frames whose interrupt lands on CPU 0 or 1 still need a reader.
        Assert.Equal([null, null, 2, 3], CaptureReaderLayout.For([2, 3]));
    }

    [Fact]
    public void For_MoreCpusThanReaders_ReaderOnLowestCpuOfItsPosition()
    {
        var layout = CaptureReaderLayout.For(Enumerable.Range(0, 64).ToList());

        Assert.Equal(CaptureReaderLayout.MaxReaders, layout.Count);
        Assert.Equal(Enumerable.Range(0, CaptureReaderLayout.MaxReaders).Select(c => (int?)c), layout);
    }

    [Fact]
    public void For_HighCpusOnly_EachPositionOnACpuThatMapsToIt()
    {
        // CPUs 40..47 on a large machine: 48 positions capped to 16, CPU c arrives at position c % 16.
        var layout = CaptureReaderLayout.For(Enumerable.Range(40, 8).ToList());

        Assert.Equal(CaptureReaderLayout.MaxReaders, layout.Count);
        for (var position = 0; position < layout.Count; position++)
        {
            if (layout[position] is { } cpu)
            {
                Assert.Equal(position, cpu % CaptureReaderLayout.MaxReaders);
            }
        }

        Assert.Equal(8, layout.Count(c => c is not null));
    }
}
