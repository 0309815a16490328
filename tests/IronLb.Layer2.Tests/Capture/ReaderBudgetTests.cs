using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Tests.Capture;

public class ReaderBudgetTests
{
    [Fact]
    public void TryTake_UntilSpent_ThenRefusedWithoutTaking()
    {
        var budget = new ReaderBudget(8);

        Assert.True(budget.TryTake(4));
        Assert.True(budget.TryTake(4));
        Assert.False(budget.TryTake(1));
    }

    [Fact]
    public void TryTake_MoreThanLeft_TakesNoneSoASmallerRequestStillFits()
    {
        var budget = new ReaderBudget(8);
        Assert.True(budget.TryTake(6));

        Assert.False(budget.TryTake(4));
        Assert.True(budget.TryTake(2));
    }

    [Fact]
    public void Return_ClosedPort_ItsReadersCanBeTakenAgain()
    {
        var budget = new ReaderBudget(4);
        Assert.True(budget.TryTake(4));

        budget.Return(4);

        Assert.True(budget.TryTake(4));
    }
}
