namespace IronLb.Dapr.Tests.Contract;

/// <summary>One delivery as a cluster member's handler saw it.</summary>
public sealed record ObservedDelivery(string Group, string Member, string Topic, string Id, string Source, byte[] Data, int Attempt);

/// <summary>Every delivery in a messaging cluster, with bounded waits for conditions on them.</summary>
public sealed class DeliveryLog
{
    private readonly List<ObservedDelivery> _deliveries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Records a delivery; its attempt number counts earlier deliveries of the same event to the same group and topic.</summary>
    public ObservedDelivery Record(string group, string member, string topic, string id, string source, byte[] data)
    {
        ObservedDelivery delivery;
        TaskCompletionSource changed;
        lock (_deliveries)
        {
            var attempt = 1 + _deliveries.Count(d => d.Group == group && d.Topic == topic && d.Id == id);
            delivery = new ObservedDelivery(group, member, topic, id, source, data, attempt);
            _deliveries.Add(delivery);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
        return delivery;
    }

    public IReadOnlyList<ObservedDelivery> On(string topic)
    {
        lock (_deliveries)
        {
            return _deliveries.Where(d => d.Topic == topic).ToArray();
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the deliveries on <paramref name="topic"/>, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ObservedDelivery>> WaitAsync(
        string topic, Func<IReadOnlyList<ObservedDelivery>, bool> condition, TimeSpan timeout, string description)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            IReadOnlyList<ObservedDelivery> snapshot;
            lock (_deliveries)
            {
                snapshot = _deliveries.Where(d => d.Topic == topic).ToArray();
                changed = _changed.Task;
            }

            if (condition(snapshot))
            {
                return snapshot;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = string.Join(", ", snapshot.Select(d => $"{d.Member}:{d.Id[..Math.Min(8, d.Id.Length)]}#{d.Attempt}"));
                throw new TimeoutException($"Within {timeout}: expected {description} on '{topic}'; saw [{seen}].");
            }
        }
    }
}
