namespace IronLb.Core.Configuration;

/// <summary>Rules about IPAddressPool addresses: syntax, ranges, and no address in two places.</summary>
internal static class PoolRules
{
    public static void Check(ValidationContext context)
    {
        // Parse everything first (the overlap sweep needs every entry), then report pool by pool, entry by entry.
        var entries = new List<Entry>();
        var parsed = new List<(IpAddressPool Pool, string Text, Entry? Entry, string Error)>();
        foreach (var pool in context.Configuration.IpAddressPools)
        {
            foreach (var text in pool.Spec.Addresses)
            {
                Entry? entry = null;
                if (IpAddressRange.TryParse(text, out var range, out var error))
                {
                    entry = new Entry(entries.Count, pool, new PoolRange(text, range));
                    entries.Add(entry);
                }

                parsed.Add((pool, text, entry, error));
            }
        }

        var overlaps = FindOverlaps(entries);
        var nodeAddresses = NodeAddresses(context.Configuration);
        var position = 0;
        foreach (var pool in context.Configuration.IpAddressPools)
        {
            if (pool.Spec.Addresses.Count == 0)
            {
                context.Report(pool, "spec.addresses: pool has no addresses");
            }

            for (var i = 0; i < pool.Spec.Addresses.Count; i++, position++)
            {
                var (_, _, entry, error) = parsed[position];
                if (entry is null)
                {
                    context.Report(pool, $"spec.addresses: {error}");
                    continue;
                }

                ReportEntry(context, entry, entries, overlaps[entry.Index], nodeAddresses);
            }
        }
    }

    private static void ReportEntry(ValidationContext context, Entry entry, List<Entry> entries, List<int> overlapsWithEarlier, List<(string Node, IpFamily Family, UInt128 Address)> nodeAddresses)
    {
        // Every overlap is reported once, on the entry that comes second in load order.
        foreach (var earlier in overlapsWithEarlier.Order())
        {
            var other = entries[earlier];
            var where = ReferenceEquals(other.Pool, entry.Pool)
                ? "another entry of this pool"
                : $"\"{other.Range.Text}\" in IPAddressPool/{other.Pool.Name} ({other.Pool.SourceFile})";
            context.Report(entry.Pool, $"spec.addresses: \"{entry.Range.Text}\" overlaps with {where}");
        }

        // MetalLB refuses a pool that would hand out a node's own address.
        foreach (var (node, family, address) in nodeAddresses.Where(n => entry.Range.Range.Contains(n.Family, n.Address)))
        {
            context.Report(entry.Pool, $"spec.addresses: \"{entry.Range.Text}\" contains the address {IpAddressRange.FormatAddress(family, address)} of Node/{node}");
        }
    }

    // Sort by start and sweep, so that thousands of disjoint pools cost n log n rather than n squared comparisons.
    private static List<int>[] FindOverlaps(List<Entry> entries)
    {
        var overlapsWithEarlier = entries.Select(_ => new List<int>()).ToArray();
        var byStart = entries.OrderBy(e => e.Range.Range.Family).ThenBy(e => e.Range.Range.First).ToArray();
        var open = new List<Entry>();
        foreach (var entry in byStart)
        {
            var range = entry.Range.Range;
            open.RemoveAll(o => o.Range.Range.Family != range.Family || o.Range.Range.Last < range.First);
            foreach (var other in open)
            {
                var (earlier, later) = other.Index < entry.Index ? (other, entry) : (entry, other);
                overlapsWithEarlier[later.Index].Add(earlier.Index);
            }

            open.Add(entry);
        }

        return overlapsWithEarlier;
    }

    private static List<(string Node, IpFamily Family, UInt128 Address)> NodeAddresses(ClusterConfiguration configuration)
    {
        var addresses = new List<(string, IpFamily, UInt128)>();
        foreach (var node in configuration.Nodes)
        {
            foreach (var address in node.Addresses)
            {
                if (IpAddressRange.TryParseAddress(address.Address, out var family, out var value))
                {
                    addresses.Add((node.Name, family, value));
                }
            }
        }

        return addresses;
    }

    private sealed record Entry(int Index, IpAddressPool Pool, PoolRange Range);
}
