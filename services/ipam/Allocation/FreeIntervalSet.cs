namespace IronLb.Ipam.Allocation;

/// <summary>
/// The free addresses of one address space as disjoint, non-adjacent inclusive intervals in a treap keyed by
/// interval start. Every operation costs O(log k) in the number of intervals k, never in the number of
/// addresses, so an IPv6 /64 costs what a /29 does.
/// </summary>
/// <remarks>
/// Nodes live in parallel arrays recycled through a free list, so a steady state of allocations and releases
/// allocates no memory. Priorities come from a fixed-seed xorshift: the tree's shape, and so the cost of every
/// operation, is the same on every run.
/// </remarks>
internal sealed class FreeIntervalSet
{
    private const int Nil = -1;

    private UInt128[] _start = new UInt128[4];
    private UInt128[] _end = new UInt128[4];
    private int[] _left = new int[4];
    private int[] _right = new int[4];
    private uint[] _priority = new uint[4];
    private int _root = Nil;
    private int _nextUnused;
    private int _freeList = Nil;
    private uint _random = 2463534242;

    /// <summary>How many disjoint free intervals there are.</summary>
    public int IntervalCount { get; private set; }

    /// <summary>How many free addresses there are, saturating at UInt128.MaxValue.</summary>
    public UInt128 FreeCount { get; private set; }

    public bool IsEmpty => _root == Nil;

    /// <summary>Marks [first, last] free; the caller guarantees none of it is free already.</summary>
    public void AddRange(UInt128 first, UInt128 last) => InsertMerged(first, last);

    /// <summary>The lowest free address, if any.</summary>
    public bool TryGetLowest(out UInt128 address)
    {
        if (_root == Nil)
        {
            address = default;
            return false;
        }

        var n = _root;
        while (_left[n] != Nil)
        {
            n = _left[n];
        }

        address = _start[n];
        return true;
    }

    /// <summary>The lowest free address that is at least <paramref name="from"/>, if any.</summary>
    public bool TryGetLowestAtLeast(UInt128 from, out UInt128 address)
    {
        var floor = Floor(from);
        if (floor != Nil && _end[floor] >= from)
        {
            address = from;
            return true;
        }

        var ceiling = Ceiling(from);
        address = ceiling == Nil ? default : _start[ceiling];
        return ceiling != Nil;
    }

    public bool Contains(UInt128 address)
    {
        var n = Floor(address);
        return n != Nil && _end[n] >= address;
    }

    /// <summary>Removes one address from the free set; false when it was not free.</summary>
    public bool TryTake(UInt128 address)
    {
        var n = Floor(address);
        if (n == Nil || _end[n] < address)
        {
            return false;
        }

        FreeCount--;
        var start = _start[n];
        var end = _end[n];
        if (start == end)
        {
            _root = Delete(_root, start);
            IntervalCount--;
        }
        else if (address == start)
        {
            // The new start still sorts between the neighbours, so the key changes in place.
            _start[n] = address + 1;
        }
        else if (address == end)
        {
            _end[n] = address - 1;
        }
        else
        {
            _end[n] = address - 1;
            Insert(address + 1, end);
        }

        return true;
    }

    /// <summary>Returns one address to the free set; false when it was free already.</summary>
    public bool TryRelease(UInt128 address)
    {
        if (Contains(address))
        {
            return false;
        }

        InsertMerged(address, address);
        return true;
    }

    private void InsertMerged(UInt128 first, UInt128 last)
    {
        var count = last - first;
        FreeCount = count == UInt128.MaxValue || FreeCount > UInt128.MaxValue - count - 1 ? UInt128.MaxValue : FreeCount + count + 1;
        var before = first == UInt128.Zero ? Nil : Floor(first - 1);
        var joinsBefore = before != Nil && _end[before] == first - 1;
        var after = last == UInt128.MaxValue ? Nil : Floor(last + 1);
        var joinsAfter = after != Nil && _start[after] == last + 1;
        if (joinsBefore && joinsAfter)
        {
            var newEnd = _end[after];
            _root = Delete(_root, _start[after]);
            IntervalCount--;
            _end[before] = newEnd;
        }
        else if (joinsBefore)
        {
            _end[before] = last;
        }
        else if (joinsAfter)
        {
            _start[after] = first;
        }
        else
        {
            Insert(first, last);
        }
    }

    /// <summary>The interval with the greatest start not above <paramref name="key"/>.</summary>
    private int Floor(UInt128 key)
    {
        var best = Nil;
        var n = _root;
        while (n != Nil)
        {
            if (_start[n] <= key)
            {
                best = n;
                n = _right[n];
            }
            else
            {
                n = _left[n];
            }
        }

        return best;
    }

    /// <summary>The interval with the least start not below <paramref name="key"/>.</summary>
    private int Ceiling(UInt128 key)
    {
        var best = Nil;
        var n = _root;
        while (n != Nil)
        {
            if (_start[n] >= key)
            {
                best = n;
                n = _left[n];
            }
            else
            {
                n = _right[n];
            }
        }

        return best;
    }

    private void Insert(UInt128 start, UInt128 end)
    {
        var node = NewNode(start, end);
        IntervalCount++;
        Split(_root, start, out var less, out var greater);
        _root = Merge(Merge(less, node), greater);
    }

    /// <summary>Splits into keys below <paramref name="key"/> and keys at or above it.</summary>
    private void Split(int n, UInt128 key, out int less, out int greater)
    {
        if (n == Nil)
        {
            less = greater = Nil;
        }
        else if (_start[n] < key)
        {
            Split(_right[n], key, out var l, out greater);
            _right[n] = l;
            less = n;
        }
        else
        {
            Split(_left[n], key, out less, out var g);
            _left[n] = g;
            greater = n;
        }
    }

    private int Merge(int a, int b)
    {
        if (a == Nil)
        {
            return b;
        }

        if (b == Nil)
        {
            return a;
        }

        if (_priority[a] > _priority[b])
        {
            _right[a] = Merge(_right[a], b);
            return a;
        }

        _left[b] = Merge(a, _left[b]);
        return b;
    }

    private int Delete(int n, UInt128 key)
    {
        if (n == Nil)
        {
            return Nil;
        }

        if (key < _start[n])
        {
            _left[n] = Delete(_left[n], key);
            return n;
        }

        if (key > _start[n])
        {
            _right[n] = Delete(_right[n], key);
            return n;
        }

        var merged = Merge(_left[n], _right[n]);
        _left[n] = _freeList;
        _freeList = n;
        return merged;
    }

    private int NewNode(UInt128 start, UInt128 end)
    {
        int n;
        if (_freeList != Nil)
        {
            n = _freeList;
            _freeList = _left[n];
        }
        else
        {
            if (_nextUnused == _start.Length)
            {
                var size = _start.Length * 2;
                Array.Resize(ref _start, size);
                Array.Resize(ref _end, size);
                Array.Resize(ref _left, size);
                Array.Resize(ref _right, size);
                Array.Resize(ref _priority, size);
            }

            n = _nextUnused++;
        }

        _start[n] = start;
        _end[n] = end;
        _left[n] = Nil;
        _right[n] = Nil;
        _random ^= _random << 13;
        _random ^= _random >> 17;
        _random ^= _random << 5;
        _priority[n] = _random;
        return n;
    }
}
