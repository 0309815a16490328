namespace IronLb.Core.Configuration;

/// <summary>Rules about IPAddressPool addresses: syntax, ranges, and no address in two places.</summary>
internal static class PoolRules
{
    public static void Check(ValidationContext context)
    {
        var nodeAddresses = NodeAddresses(context.Configuration);
        var claimed = new List<(IpAddressPool Pool, PoolRange Entry)>();
        foreach (var pool in context.Configuration.IpAddressPools)
        {
            if (pool.Spec.Addresses.Count == 0)
            {
                context.Report(pool, "spec.addresses: pool has no addresses");
            }

            foreach (var text in pool.Spec.Addresses)
            {
                if (!IpAddressRange.TryParse(text, out var range, out var error))
                {
                    context.Report(pool, $"spec.addresses: {error}");
                    continue;
                }

                var entry = new PoolRange(text, range);

                // Every overlap is reported once, on the entry that comes second in load order.
                foreach (var (otherPool, other) in claimed.Where(c => c.Entry.Range.Overlaps(range)))
                {
                    var where = ReferenceEquals(otherPool, pool) ? "another entry of this pool" : $"\"{other.Text}\" in IPAddressPool/{otherPool.Name} ({otherPool.SourceFile})";
                    context.Report(pool, $"spec.addresses: \"{text}\" overlaps with {where}");
                }

                claimed.Add((pool, entry));

                // MetalLB refuses a pool that would hand out a node's own address.
                foreach (var (node, family, address) in nodeAddresses.Where(n => range.Contains(n.Family, n.Address)))
                {
                    context.Report(pool, $"spec.addresses: \"{text}\" contains the address {IpAddressRange.FormatAddress(family, address)} of Node/{node}");
                }
            }
        }
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
}
