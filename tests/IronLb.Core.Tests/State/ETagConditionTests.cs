using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class ETagConditionTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, 3L, true)]
    [InlineData("", null, true)]
    [InlineData("", 1L, false)]
    [InlineData("3", 3L, true)]
    [InlineData("2", 3L, false)]
    [InlineData("1", null, false)]
    [InlineData("not-a-version", 1L, false)]
    public void Holds_ETagAgainstStoredVersion_FollowsFirstWriteRules(string? etag, long? stored, bool expected)
    {
        Assert.Equal(expected, ETagCondition.Holds(etag, stored));
    }
}
