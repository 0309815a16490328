using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class LabelSelectorTests
{
    private static readonly StringMap Labels = StringMap.Of(("zone", "a"), ("tier", "web"));

    [Theory]
    [InlineData("zone", LabelSelectorRequirement.In, "a,b", true)]
    [InlineData("zone", LabelSelectorRequirement.In, "b", false)]
    [InlineData("zone", LabelSelectorRequirement.NotIn, "b", true)]
    [InlineData("zone", LabelSelectorRequirement.NotIn, "a", false)]
    [InlineData("missing", LabelSelectorRequirement.NotIn, "a", true)]
    [InlineData("zone", LabelSelectorRequirement.Exists, "", true)]
    [InlineData("missing", LabelSelectorRequirement.Exists, "", false)]
    [InlineData("missing", LabelSelectorRequirement.DoesNotExist, "", true)]
    [InlineData("zone", LabelSelectorRequirement.DoesNotExist, "", false)]
    [InlineData("zone", "Equals", "a", false)]
    public void Matches_Requirement_FollowsKubernetesSemantics(string key, string op, string values, bool expected)
    {
        var requirement = new LabelSelectorRequirement
        {
            Key = key,
            Operator = op,
            Values = ValueList.From(values.Split(',', StringSplitOptions.RemoveEmptyEntries)),
        };

        Assert.Equal(expected, new LabelSelector { MatchExpressions = [requirement] }.Matches(Labels));
    }

    [Fact]
    public void Matches_MatchLabelsAndExpressions_AllMustHold()
    {
        var selector = new LabelSelector
        {
            MatchLabels = StringMap.Of(("zone", "a")),
            MatchExpressions = [new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorRequirement.In, Values = ["db"] }],
        };

        Assert.False(selector.Matches(Labels));
        Assert.True((selector with { MatchExpressions = [] }).Matches(Labels));
    }

    [Fact]
    public void Matches_EmptySelector_MatchesEverything() =>
        Assert.True(new LabelSelector().Matches(StringMap.Empty));

    [Fact]
    public void AnyMatches_NoSelectors_MatchesEverything()
    {
        Assert.True(LabelSelector.AnyMatches([], Labels));
        Assert.False(LabelSelector.AnyMatches([new LabelSelector { MatchLabels = StringMap.Of(("zone", "b")) }], Labels));
    }
}
