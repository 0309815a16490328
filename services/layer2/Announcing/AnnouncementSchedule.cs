using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>When each newly gained address is next announced (gratuitous ARP / unsolicited NA): at once, then a few
/// more times, because a single broadcast can be lost and a neighbour may be mid-way through resolving.</summary>
internal sealed class AnnouncementSchedule(int count, TimeSpan interval)
{
    private readonly Dictionary<IPAddress, (int Sent, DateTimeOffset Due)> _pending = [];

    public int PendingCount => _pending.Count;

    public DateTimeOffset? NextDue => _pending.Count == 0 ? null : _pending.Values.Min(p => p.Due);

    /// <summary>Starts (or restarts) the series for <paramref name="address"/>; its first announcement is due now.</summary>
    public void Start(IPAddress address, DateTimeOffset now) => _pending[address] = (0, now);

    public void Cancel(IPAddress address) => _pending.Remove(address);

    /// <summary>Returns the addresses due at <paramref name="now"/> and books each one's next announcement.</summary>
    public IReadOnlyList<IPAddress> TakeDue(DateTimeOffset now)
    {
        var due = new List<IPAddress>();
        foreach (var (address, (sent, at)) in _pending.ToList())
        {
            if (at > now)
            {
                continue;
            }

            due.Add(address);
            if (sent + 1 >= count)
            {
                _pending.Remove(address);
            }
            else
            {
                _pending[address] = (sent + 1, now + interval);
            }
        }

        return due;
    }
}
