namespace IronLb.Bgp.Session;

internal sealed partial class BgpFsm
{
    /// <summary>A one-shot timer whose expiry is posted with a generation, so that an expiry raced by a restart is ignored.</summary>
    private sealed class FsmTimer(BgpFsm owner, BgpEventKind kind) : IDisposable
    {
        private readonly BgpFsm _owner = owner;
        private readonly BgpEventKind _kind = kind;
        private ITimer? _timer;
        private int _generation;

        public bool IsCurrent(int generation) => _timer is not null && generation == Volatile.Read(ref _generation);

        public void Start(TimeSpan due)
        {
            var generation = Interlocked.Increment(ref _generation);
            _timer?.Dispose();
            _timer = _owner._time.CreateTimer(
                static state =>
                {
                    var (self, expected) = ((FsmTimer, int))state!;
                    self._owner._host.PostTimerEvent(new BgpEvent(self._kind, null, expected));
                },
                (this, generation),
                due,
                Timeout.InfiniteTimeSpan);
        }

        public void Stop()
        {
            Interlocked.Increment(ref _generation);
            _timer?.Dispose();
            _timer = null;
        }

        public void Dispose() => Stop();
    }
}
