using IronLb.Core.Configuration;
namespace IronLb.Ipam.Allocation;

/// <summary>
/// The addresses of one pool, both families, with their free sets: membership, first-free and take/release,
/// each O(log n) in the number of ranges and free intervals, independent of how many addresses the pool holds.
/// </summary>
/// <remarks>
/// "First" is MetalLB's walk order: the pool's ranges in the order its <c>addresses</c> lists them, each from its
/// lowest address up (MetalLB's AllocateFromPool walks pool.CIDR in turn), so a configuration that lists a
/// preferred range first hands out the same addresses under IronLB.
/// </remarks>
internal sealed class PoolAddressSpace
{
    private readonly AddressRange[] _ranges;
    private readonly AddressRange[] _listed;
    private readonly FreeIntervalSet _freeV4 = new();
    private readonly FreeIntervalSet _freeV6 = new();
    private readonly UInt128 _capacityV4;
    private readonly UInt128 _capacityV6;

    public PoolAddressSpace(IEnumerable<AddressRange> ranges, bool avoidBuggyIps)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        AvoidBuggyIps = avoidBuggyIps;
        _listed = [.. ranges];
        _ranges = Normalize(_listed);
        foreach (var range in _ranges)
        {
            Free(range.Family).AddRange(range.First, range.Last);
            var usable = SaturatingSub(range.Count, avoidBuggyIps ? BuggyCount(range) : UInt128.Zero);
            if (range.Family == IpFamily.IPv4)
            {
                _capacityV4 = SaturatingAdd(_capacityV4, usable);
            }
            else
            {
                _capacityV6 = SaturatingAdd(_capacityV6, usable);
            }
        }
    }

    /// <summary>The pool's ranges, sorted, overlaps and adjacent ranges merged.</summary>
    public IReadOnlyList<AddressRange> Ranges => _ranges;

    public bool AvoidBuggyIps { get; }

    public bool HasFamily(IpFamily family) => Capacity(family) > UInt128.Zero;

    /// <summary>How many addresses of the family the pool can hand out (buggy ones excluded when avoided), saturating.</summary>
    public UInt128 Capacity(IpFamily family) => family == IpFamily.IPv4 ? _capacityV4 : _capacityV6;

    /// <summary>True when the address belongs to the pool and may be handed out.</summary>
    public bool Contains(IpAddressValue address)
    {
        if (AvoidBuggyIps && address.IsBuggyFirmwareAddress)
        {
            return false;
        }

        // Ranges are sorted by (family, first) and disjoint: binary search for the last one starting at or below.
        int lo = 0, hi = _ranges.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].FirstAddress <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && _ranges[found].Contains(address);
    }

    public bool IsFree(IpAddressValue address) => Contains(address) && Free(address.Family).Contains(address.Value);

    /// <summary>The first free address of the family that may be handed out, in walk order (see the remarks).</summary>
    public bool TryGetFirstFree(IpFamily family, out IpAddressValue address)
    {
        foreach (var range in _listed)
        {
            if (range.Family == family && TryGetLowestFreeAtLeast(family, range.First, out address) && address.Value <= range.Last)
            {
                return true;
            }
        }

        address = default;
        return false;
    }

    /// <summary>Where the walk reaches <paramref name="address"/>: the first listed range holding it, then the address; compare with <see cref="WalkOrder"/> of another.</summary>
    public (int Range, UInt128 Value) WalkOrder(IpAddressValue address)
    {
        for (var i = 0; i < _listed.Length; i++)
        {
            if (_listed[i].Contains(address))
            {
                return (i, address.Value);
            }
        }

        return (int.MaxValue, address.Value);
    }

    /// <summary>The lowest free address of the family at or above <paramref name="from"/>.</summary>
    public bool TryGetLowestFreeAtLeast(IpFamily family, UInt128 from, out IpAddressValue address)
    {
        var free = Free(family);

        // Buggy addresses are dropped from the free set the first time they surface rather than at build time:
        // an avoidBuggyIPs /8 would otherwise start as 65,536 intervals. Each is dropped at most once, so the
        // amortized cost per allocation stays constant.
        while (free.TryGetLowestAtLeast(from, out var value))
        {
            var candidate = new IpAddressValue(family, value);
            if (!(AvoidBuggyIps && candidate.IsBuggyFirmwareAddress))
            {
                address = candidate;
                return true;
            }

            free.TryTake(value);
            if (value == UInt128.MaxValue)
            {
                break;
            }

            from = value + 1;
        }

        address = default;
        return false;
    }

    /// <summary>Marks an address in use; false when it is outside the pool or already in use.</summary>
    public bool TryTake(IpAddressValue address) => Contains(address) && Free(address.Family).TryTake(address.Value);

    /// <summary>Returns an address to the pool; false when it is outside the pool or was free.</summary>
    public bool TryRelease(IpAddressValue address) => Contains(address) && Free(address.Family).TryRelease(address.Value);

    /// <summary>How many free intervals the pool is split into: the size its operations scale with.</summary>
    public int FragmentCount => _freeV4.IntervalCount + _freeV6.IntervalCount;

    private FreeIntervalSet Free(IpFamily family) => family == IpFamily.IPv4 ? _freeV4 : _freeV6;

    private static AddressRange[] Normalize(IEnumerable<AddressRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r.Family).ThenBy(r => r.First).ToList();
        var merged = new List<AddressRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.Family == range.Family && (last.Last == UInt128.MaxValue || range.First <= last.Last + 1))
                {
                    merged[^1] = last with { Last = UInt128.Max(last.Last, range.Last) };
                    continue;
                }
            }

            merged.Add(range);
        }

        return [.. merged];
    }

    /// <summary>How many IPv4 addresses in the range end in .0 or .255.</summary>
    internal static UInt128 BuggyCount(AddressRange range)
    {
        if (range.Family != IpFamily.IPv4)
        {
            return UInt128.Zero;
        }

        // Count of x in [0, n] with x % 256 == 0, plus those with x % 256 == 255.
        static UInt128 UpTo(UInt128 n) => (n / 256) + 1 + ((n + 1) / 256);
        return UpTo(range.Last) - (range.First == UInt128.Zero ? UInt128.Zero : UpTo(range.First - 1));
    }

    private static UInt128 SaturatingAdd(UInt128 a, UInt128 b) => a > UInt128.MaxValue - b ? UInt128.MaxValue : a + b;

    private static UInt128 SaturatingSub(UInt128 a, UInt128 b) => a > b ? a - b : UInt128.Zero;
}
