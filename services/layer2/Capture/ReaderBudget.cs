namespace IronLb.Layer2.Capture;

/// <summary>How many CPU-kept readers all interfaces together may have; past it an interface gets a single reader.
/// Without a bound, a node announcing on every interface (no L2Advertisement interfaces, a VIP on no interface's
/// subnet) would run one reader per CPU on every pod's veth.</summary>
internal sealed class ReaderBudget(int capacity)
{
    /// <summary>The default: four interfaces' worth on a 16-CPU node, 32 on a 2-CPU one.</summary>
    public const int DefaultCapacity = 64;

    private readonly Lock _gate = new();
    private int _taken;

    /// <summary>Takes <paramref name="readers"/> from the budget when that many are left; false, taking none, otherwise.</summary>
    public bool TryTake(int readers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(readers);
        lock (_gate)
        {
            if (_taken + readers > capacity)
            {
                return false;
            }

            _taken += readers;
            return true;
        }
    }

    /// <summary>Gives back readers taken before.</summary>
    public void Return(int readers)
    {
        lock (_gate)
        {
            _taken = Math.Max(0, _taken - readers);
        }
    }
}
