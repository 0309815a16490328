using IronLb.Core.Contracts;

namespace IronLb.Core.Events;

/// <summary>The public events of one owners write: addresses whose owner node or epoch changed. Pure.</summary>
/// <remarks>
/// The version of an address's sequence is its ownership epoch, which grows with every owner change (election derives it
/// from the owner set's version); a released address takes the epoch election would give next, twice the new set's
/// version, so it still orders after everything before it. Successor changes alone are no public event.
/// </remarks>
public static class OwnerEventDiff
{
    /// <summary>One <see cref="EventTypes.Layer2OwnerChanged"/> per address whose owner or epoch differs between the two sets.</summary>
    public static IReadOnlyList<IntegrationEvent> Diff(OwnerSet before, OwnerSet after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.Owners.ToDictionary(o => o.Address, StringComparer.Ordinal);
        var events = new List<IntegrationEvent>();
        foreach (var now in after.Owners.OrderBy(o => o.Address, StringComparer.Ordinal))
        {
            old.Remove(now.Address, out var was);
            if (was is not null && was.Node == now.Node && was.Epoch == now.Epoch)
            {
                continue;
            }

            var reason = was is null ? "elected" : was.Node != now.Node ? "moved" : "confirmed";
            events.Add(new IntegrationEvent(EventTypes.Layer2OwnerChanged, EventSubjects.Address(now.Address), now.Epoch, was?.Epoch ?? 0,
                new EventData.Layer2Owner(now.Address, now.Node, was?.Node, now.Epoch, reason, now.Services)));
        }

        var releaseEpoch = 2 * after.Version;
        foreach (var gone in old.Values.OrderBy(o => o.Address, StringComparer.Ordinal))
        {
            var epoch = Math.Max(releaseEpoch, gone.Epoch + 1);
            events.Add(new IntegrationEvent(EventTypes.Layer2OwnerChanged, EventSubjects.Address(gone.Address), epoch, gone.Epoch,
                new EventData.Layer2Owner(gone.Address, null, gone.Node, epoch, "released", gone.Services)));
        }

        return events;
    }
}
