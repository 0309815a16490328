using System.Net;
using IronLb.Layer2.Announcing;
using static IronLb.Layer2.Tests.Announcing.TestLinks;

namespace IronLb.Layer2.Tests.Announcing;

public class OwnershipTableTests
{
    private readonly OwnershipTable _table = new();

    [Fact]
    public void Apply_NewAddress_Gained()
    {
        var change = _table.Apply([Owned(Vip, 3)]);

        Assert.Equal([Vip], change.Gained.Select(o => o.Address));
        Assert.Empty(change.Lost);
    }

    [Fact]
    public void Apply_SameRecordAgain_NoChange()
    {
        _table.Apply([Owned(Vip, 3)]);

        Assert.True(_table.Apply([Owned(Vip, 3)]).IsEmpty);
    }

    [Fact]
    public void Apply_AddressMissing_Lost()
    {
        _table.Apply([Owned(Vip, 3), Owned(Vip6, 1)]);

        var change = _table.Apply([Owned(Vip6, 1)]);

        Assert.Equal([Vip], change.Lost);
        Assert.Equal([Vip6], _table.Owned.Select(o => o.Address));
    }

    [Fact]
    public void Apply_OlderEpochWhileOwned_IgnoredAndStillOwned()
    {
        _table.Apply([Owned(Vip, 5, "eth0")]);

        var change = _table.Apply([Owned(Vip, 4, "eth1")]);

        Assert.True(change.IsEmpty);
        Assert.Equal([Vip], change.Stale.Select(o => o.Address));
        Assert.Equal(["eth0"], _table.Owned.Single().AllowedInterfaces);
    }

    [Fact]
    public void Apply_OlderEpochAfterLoss_DoesNotReviveAddress()
    {
        _table.Apply([Owned(Vip, 5)]);
        _table.Apply([]);

        var change = _table.Apply([Owned(Vip, 4)]);

        Assert.Empty(change.Gained);
        Assert.Empty(_table.Owned);
    }

    [Fact]
    public void Apply_NewerEpochWhileOwned_GainedAgainSoItIsReannounced()
    {
        _table.Apply([Owned(Vip, 5)]);

        var change = _table.Apply([Owned(Vip, 7)]);

        Assert.Equal([7L], change.Gained.Select(o => o.Epoch));
    }

    [Fact]
    public void Apply_SameEpochOtherInterfaces_Retargeted()
    {
        _table.Apply([Owned(Vip, 5, "eth0")]);

        var change = _table.Apply([Owned(Vip, 5, "eth1")]);

        Assert.Empty(change.Gained);
        Assert.Equal([Vip], change.Retargeted.Select(o => o.Address));
    }

    [Fact]
    public void Apply_DuplicateRecordsForOneAddress_NewestEpochWins()
    {
        var change = _table.Apply([Owned(Vip, 2, "eth0"), Owned(Vip, 9, "eth1"), Owned(Vip, 4, "eth0")]);

        Assert.Equal(9, change.Gained.Single().Epoch);
        Assert.Equal(["eth1"], _table.Owned.Single().AllowedInterfaces);
    }

    [Fact]
    public void Apply_EqualEpochAfterLoss_GainedAgain()
    {
        _table.Apply([Owned(Vip, 5)]);
        _table.Apply([]);

        Assert.Single(_table.Apply([Owned(Vip, 5)]).Gained);
    }

    [Fact]
    public void Apply_InterfaceOrderOnly_NoChange()
    {
        _table.Apply([new OwnedAddress(Vip, ["eth0", "eth1"], 1)]);

        Assert.True(_table.Apply([new OwnedAddress(Vip, ["eth1", "eth0"], 1)]).IsEmpty);
    }

    [Fact]
    public void Apply_ManyUpdatesInAnyOrder_NeverOwnsAddressBelowHighestEpochSeen()
    {
        // Whatever the order updates arrive in, the address is owned only with the highest epoch seen so far.
        var updates = Enumerable.Range(1, 30).Select(e => (long)((e * 7919) % 31)).ToList();
        long highest = long.MinValue;
        foreach (var epoch in updates)
        {
            _table.Apply([Owned(IPAddress.Parse("192.0.2.50"), epoch)]);
            highest = Math.Max(highest, epoch);
            Assert.Equal(highest, _table.Owned.Single().Epoch);
        }
    }
}
