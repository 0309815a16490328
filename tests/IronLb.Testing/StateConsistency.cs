using System.Text.Json;
using IronLb.Core.Contracts;
using IronLb.Core.State;

namespace IronLb.Testing;

/// <summary>The Services that exist now, and which addresses may be given to them.</summary>
/// <param name="Services">Every Service that should hold an address ("namespace/name").</param>
/// <param name="InPool">Whether an address (text form) lies in a pool the Services may draw from.</param>
public sealed record ExpectedCluster(IReadOnlySet<string> Services, Func<string, bool> InPool);

/// <summary>What one node agent reports on its /status: the addresses it announces and the state version they come from.</summary>
/// <param name="Node">The agent's node.</param>
/// <param name="Agent">"layer2" (addresses it answers ARP/NDP for, from owners) or "bgp" (prefixes it announces, from intents).</param>
/// <param name="Version">The owners version (layer2) or intents version (bgp) the agent applied.</param>
/// <param name="Addresses">The addresses it announces, without prefix length.</param>
public sealed record AgentView(string Node, string Agent, long Version, IReadOnlySet<string> Addresses);

/// <summary>What <see cref="StateConsistency.CheckAsync"/> found.</summary>
/// <param name="Violations">One line per broken rule; empty when everything agrees.</param>
/// <param name="Duplicates">Addresses held by more than one Service.</param>
/// <param name="Lost">Services that exist but hold no address.</param>
public sealed record ConsistencyReport(IReadOnlyList<string> Violations, int Duplicates, int Lost)
{
    public bool Consistent => Violations.Count == 0;

    public override string ToString() =>
        Consistent ? "consistent" : $"{Violations.Count} violations ({Duplicates} duplicates, {Lost} lost):\n  " + string.Join("\n  ", Violations.Take(20));
}

/// <summary>
/// The one place that knows how IronLB lays its state out, for the race and chaos tests and the chaos benchmark: reads
/// ipam's allocations, the intents and the owners from the store, compares them with the Services that exist and with
/// what the node agents report, and returns every violation. When the layout changes, only this class changes.
/// </summary>
/// <remarks>
/// Rules: every existing Service holds exactly one allocation, with addresses from its pools, and no address is held by
/// two Services; no allocation is left for a Service that is gone; the intents come from the stored allocation
/// version and carry the same addresses; every Layer 2 address of an intent that can be announced (an L2Advertisement
/// applies and some endpoint serves) has exactly one owner, among the nodes the advertisement allows, and no other
/// address has an owner; each layer2 agent answers for exactly the addresses it owns, each bgp agent announces exactly
/// the addresses whose intent names its node (host routes: aggregation 32/128).
/// </remarks>
public sealed class StateConsistency(IStateStore store)
{
    /// <summary>ipam's allocation document (services/ipam/Allocation/AllocationDocument.cs).</summary>
    public const string AllocationsKey = "ipam/allocations";

    public async Task<ConsistencyReport> CheckAsync(ExpectedCluster expected, IReadOnlyList<AgentView> agents, CancellationToken cancellationToken = default)
    {
        var violations = new List<string>();
        var allocations = (await store.GetJsonAsync<StoredAllocations>(AllocationsKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value
            ?? new StoredAllocations(0, []);
        var shards = new IntentShardReader(store);
        await shards.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var intents = shards.Current;
        var owners = (await store.GetJsonAsync<OwnerSet>(StateKeys.Owners, cancellationToken: cancellationToken).ConfigureAwait(false)).Value ?? OwnerSet.Empty;

        var (duplicates, lost) = CheckAllocations(expected, allocations, violations);
        CheckIntents(allocations, intents, violations);
        CheckOwners(intents, owners, violations);
        CheckAgents(intents, owners, agents, violations);
        return new ConsistencyReport(violations, duplicates, lost);
    }

    /// <summary>Every Service's addresses as the store holds them ("namespace/name" to comma-separated addresses).</summary>
    public async Task<IReadOnlyDictionary<string, string>> AddressesAsync(CancellationToken cancellationToken = default)
    {
        var allocations = (await store.GetJsonAsync<StoredAllocations>(AllocationsKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        return (allocations?.Allocations ?? []).GroupBy(a => a.Namespace + "/" + a.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(',', g.SelectMany(a => a.Addresses)), StringComparer.Ordinal);
    }

    private static (int Duplicates, int Lost) CheckAllocations(ExpectedCluster expected, StoredAllocations allocations, List<string> violations)
    {
        var byService = allocations.Allocations.GroupBy(a => a.Namespace + "/" + a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var lost = 0;
        foreach (var service in expected.Services.Order(StringComparer.Ordinal))
        {
            if (!byService.TryGetValue(service, out var held) || held.All(a => a.Addresses.Count == 0))
            {
                lost++;
                violations.Add($"{service}: no allocation");
                continue;
            }

            if (held.Count > 1)
            {
                violations.Add($"{service}: {held.Count} allocations");
            }

            foreach (var address in held.SelectMany(a => a.Addresses).Where(a => !expected.InPool(a)))
            {
                violations.Add($"{service}: {address} is in no pool it may use");
            }
        }

        foreach (var gone in byService.Keys.Where(s => !expected.Services.Contains(s)).Order(StringComparer.Ordinal))
        {
            violations.Add($"{gone}: allocation left for a Service that is gone");
        }

        var duplicates = 0;
        foreach (var shared in allocations.Allocations.SelectMany(a => a.Addresses.Select(x => (Address: x, Service: a.Namespace + "/" + a.Name)))
            .GroupBy(x => x.Address, StringComparer.Ordinal).Where(g => g.Select(x => x.Service).Distinct(StringComparer.Ordinal).Count() > 1))
        {
            duplicates++;
            violations.Add($"{shared.Key}: held by {string.Join(", ", shared.Select(x => x.Service))}");
        }

        return (duplicates, lost);
    }

    private static void CheckIntents(StoredAllocations allocations, IntentSet intents, List<string> violations)
    {
        if (intents.AllocationVersion != allocations.Version)
        {
            violations.Add($"intents {intents.Version} come from allocation version {intents.AllocationVersion}, the store holds {allocations.Version}");
        }

        var allocated = allocations.Allocations.Select(a => $"{a.Namespace}/{a.Name}={string.Join(',', a.Addresses)}").ToHashSet(StringComparer.Ordinal);
        var intended = intents.Intents.Select(i => $"{i.Namespace}/{i.Name}={string.Join(',', i.Addresses)}").ToHashSet(StringComparer.Ordinal);
        violations.AddRange(allocated.Except(intended).Order(StringComparer.Ordinal).Select(a => $"allocated but not in the intents: {a}"));
        violations.AddRange(intended.Except(allocated).Order(StringComparer.Ordinal).Select(i => $"in the intents but not allocated: {i}"));
    }

    private static void CheckOwners(IntentSet intents, OwnerSet owners, List<string> violations)
    {
        var allowed = Layer2Addresses(intents);
        foreach (var group in owners.Owners.GroupBy(o => o.Address, StringComparer.Ordinal))
        {
            if (!allowed.TryGetValue(group.Key, out var nodes))
            {
                violations.Add($"{group.Key}: owned by {group.First().Node} but no intent announces it on Layer 2");
            }
            else if (group.Count() > 1)
            {
                violations.Add($"{group.Key}: {group.Count()} owners");
            }
            else if (!nodes.Contains(group.First().Node))
            {
                violations.Add($"{group.Key}: owner {group.First().Node} is not among the nodes its advertisement allows");
            }
        }

        var owned = owners.Owners.Select(o => o.Address).ToHashSet(StringComparer.Ordinal);
        violations.AddRange(allowed.Keys.Where(a => !owned.Contains(a)).Order(StringComparer.Ordinal).Select(a => $"{a}: announced on Layer 2 but has no owner"));
    }

    private static void CheckAgents(IntentSet intents, OwnerSet owners, IReadOnlyList<AgentView> agents, List<string> violations)
    {
        foreach (var agent in agents)
        {
            var expected = agent.Agent switch
            {
                "layer2" => owners.Owners.Where(o => o.Node == agent.Node).Select(o => o.Address).ToHashSet(StringComparer.Ordinal),
                "bgp" => intents.Intents.Where(i => i.AnyServingEndpoint && i.Bgp.Any(b => b.Nodes.Contains(agent.Node))).SelectMany(i => i.Addresses).ToHashSet(StringComparer.Ordinal),
                _ => throw new ArgumentException($"unknown agent {agent.Agent}", nameof(agents)),
            };
            var missing = expected.Except(agent.Addresses).Order(StringComparer.Ordinal).ToList();
            var extra = agent.Addresses.Except(expected).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                violations.Add($"{agent.Agent} on {agent.Node} (version {agent.Version}): {missing.Count} not announced ({string.Join(' ', missing.Take(5))}), {extra.Count} announced but not due ({string.Join(' ', extra.Take(5))})");
            }
        }
    }

    // Addresses election must give an owner, with the nodes allowed to own each: as OwnerElection groups them.
    private static Dictionary<string, HashSet<string>> Layer2Addresses(IntentSet intents)
    {
        var addresses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var intent in intents.Intents.Where(i => i.Layer2.Count > 0 && i.AnyServingEndpoint))
        {
            var local = string.Equals(intent.ExternalTrafficPolicy, "Local", StringComparison.OrdinalIgnoreCase);
            var nodes = intent.Layer2.SelectMany(l => l.Nodes).Where(n => !local || intent.NodesWithReadyEndpoints.Contains(n));
            foreach (var address in intent.Addresses)
            {
                if (!addresses.TryGetValue(address, out var set))
                {
                    addresses[address] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.UnionWith(nodes);
            }
        }

        return addresses;
    }

    /// <summary>The fields of ipam's allocation document this check reads.</summary>
    private sealed record StoredAllocations(long Version, IReadOnlyList<StoredAllocation> Allocations);

    private sealed record StoredAllocation(string Namespace, string Name, IReadOnlyList<string> Addresses);

    /// <summary>Parses a node agent's /status into the views <see cref="CheckAsync"/> compares.</summary>
    public static IEnumerable<AgentView> AgentViews(string node, JsonElement status)
    {
        if (status.TryGetProperty("layer2", out var layer2))
        {
            yield return new AgentView(node, "layer2", layer2.GetProperty("ownersVersion").GetInt64(),
                layer2.GetProperty("owned").EnumerateArray().Select(o => o.GetProperty("address").GetString()!).ToHashSet(StringComparer.Ordinal));
        }

        if (status.TryGetProperty("bgp", out var bgp))
        {
            yield return new AgentView(node, "bgp", bgp.GetProperty("intentsVersion").GetInt64(),
                bgp.GetProperty("announcements").EnumerateArray().Select(a => a.GetProperty("prefix").GetString()!.Split('/')[0]).ToHashSet(StringComparer.Ordinal));
        }
    }
}
