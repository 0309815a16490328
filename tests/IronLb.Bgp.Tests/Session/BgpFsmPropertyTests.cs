using CsCheck;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Tests.Session;

public sealed class BgpFsmPropertyTests
{
    private static readonly BgpEventKind[] Kinds = Enum.GetValues<BgpEventKind>();

    private static BgpEvent Materialize(BgpEventKind kind) => kind switch
    {
        BgpEventKind.BgpOpen => new(kind, FsmHarness.PeerOpen()),
        BgpEventKind.NotifMsg or BgpEventKind.BgpHeaderErr or BgpEventKind.BgpOpenMsgErr or BgpEventKind.UpdateMsgErr or BgpEventKind.NotifMsgVerErr =>
            new(kind, new NotificationMessage(BgpErrorCode.UpdateMessage, 1)),
        BgpEventKind.UpdateMsg => new(kind, new UpdateMessage([], null, [])),
        BgpEventKind.RouteRefreshMsg => new(kind, new RouteRefreshMessage(BgpFamily.Ipv4Unicast)),
        _ => new(kind),
    };

    [Fact]
    public void Handle_AnyEventSequence_KeepsInvariants()
    {
        Gen.Select(Gen.Int[0, Kinds.Length - 1], Gen.Int[0, 20_000]).Array[1, 60].Sample(steps =>
        {
            using var h = new FsmHarness();
            foreach (var (kindIndex, millis) in steps)
            {
                var wasEstablished = h.Fsm.State == BgpState.Established;
                var downs = h.SessionDowns;
                h.Fsm.Handle(Materialize(Kinds[kindIndex]));
                h.Time.Advance(TimeSpan.FromMilliseconds(millis));

                // A session exists exactly in OpenConfirm and Established; leaving Established always reports it.
                Assert.Equal(h.Fsm.State is BgpState.OpenConfirm or BgpState.Established, h.Fsm.Session is not null);
                if (wasEstablished && h.Fsm.State != BgpState.Established)
                {
                    Assert.Equal(downs + 1, h.SessionDowns);
                }
            }
        }, seed: "0N0XIzNsQ0O2", iter: 400);
    }
}
