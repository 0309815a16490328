using IronLb.Layer2.Announcing;
using static IronLb.Layer2.Tests.Announcing.TestLinks;

namespace IronLb.Layer2.Tests.Announcing;

public class AnnouncementScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeDue_AfterStart_DueAtOnceThenEveryIntervalUntilCount()
    {
        var schedule = new AnnouncementSchedule(3, TimeSpan.FromSeconds(1));
        schedule.Start(Vip, T0);

        Assert.Equal([Vip], schedule.TakeDue(T0));
        Assert.Empty(schedule.TakeDue(T0.AddMilliseconds(999)));
        Assert.Equal([Vip], schedule.TakeDue(T0.AddSeconds(1)));
        Assert.Equal([Vip], schedule.TakeDue(T0.AddSeconds(2)));
        Assert.Empty(schedule.TakeDue(T0.AddSeconds(60)));
        Assert.Null(schedule.NextDue);
    }

    [Fact]
    public void Cancel_Pending_NeverDueAgain()
    {
        var schedule = new AnnouncementSchedule(3, TimeSpan.FromSeconds(1));
        schedule.Start(Vip, T0);
        schedule.TakeDue(T0);

        schedule.Cancel(Vip);

        Assert.Empty(schedule.TakeDue(T0.AddSeconds(5)));
    }

    [Fact]
    public void NextDue_TwoAddresses_EarliestOfThem()
    {
        var schedule = new AnnouncementSchedule(3, TimeSpan.FromSeconds(1));
        schedule.Start(Vip, T0);
        schedule.TakeDue(T0);
        schedule.Start(Vip6, T0.AddMilliseconds(300));

        Assert.Equal(T0.AddMilliseconds(300), schedule.NextDue);
    }

    [Fact]
    public void Start_WhilePending_RestartsTheSeries()
    {
        var schedule = new AnnouncementSchedule(2, TimeSpan.FromSeconds(1));
        schedule.Start(Vip, T0);
        schedule.TakeDue(T0);
        schedule.TakeDue(T0.AddSeconds(1));

        schedule.Start(Vip, T0.AddSeconds(10));

        Assert.Equal([Vip], schedule.TakeDue(T0.AddSeconds(10)));
        Assert.Equal([Vip], schedule.TakeDue(T0.AddSeconds(11)));
    }
}
