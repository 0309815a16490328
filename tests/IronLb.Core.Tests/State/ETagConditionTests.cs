using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class ETagConditionTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, 3L, true)]
    [InlineData("", null, true)]
    [InlineData("", 1L, true)]
    [InlineData("3", 3L, true)]
    [InlineData("03", 3L, true)]
    [InlineData("2", 3L, false)]
    [InlineData("1", null, true)]
    public void HoldsForWrite_ETagAgainstStoredVersion_FollowsStateRedisRules(string? etag, long? stored, bool expected)
    {
        Assert.Equal(expected, ETagCondition.HoldsForWrite(etag, stored));
    }

    [Fact]
    public void HoldsForWrite_ETagNotAnInteger_Throws()
    {
        Assert.Throws<ArgumentException>(() => ETagCondition.HoldsForWrite("not-a-version", 1));
    }

    [Theory]
    [InlineData(null, 3L, true)]
    [InlineData("", 3L, true)]
    [InlineData("3", 3L, true)]
    [InlineData("03", 3L, false)]
    [InlineData("2", 3L, false)]
    [InlineData("not-a-version", 3L, false)]
    [InlineData("7", null, true)]
    public void HoldsForDelete_ETagAgainstStoredVersion_ComparesAsText(string? etag, long? stored, bool expected)
    {
        Assert.Equal(expected, ETagCondition.HoldsForDelete(etag, stored));
    }
}
