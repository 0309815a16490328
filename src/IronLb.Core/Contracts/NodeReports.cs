namespace IronLb.Core.Contracts;

/// <summary>What one node agent announces, as it last reported it: ipam turns it into MetalLB's status objects and Events.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Agent">"layer2" or "bgp" (MetalLB's protocol names).</param>
/// <param name="Pod">The agent's pod, which owns the status objects written for this node (null outside Kubernetes).</param>
/// <param name="Services">One entry per Service the node announces, sorted by namespace then name.</param>
public sealed record NodeReport(string Node, string Agent, ReportingPod? Pod, IReadOnlyList<ServiceAnnouncementReport> Services)
{
    /// <summary>Equal when every field and every entry is; records compare lists by reference.</summary>
    public bool Equals(NodeReport? other) =>
        other is not null && Node == other.Node && Agent == other.Agent && Pod == other.Pod && Services.SequenceEqual(other.Services);

    public override int GetHashCode() => HashCode.Combine(Node, Agent, Pod, Services.Count);
}

/// <summary>A pod, as an ownerReference names it.</summary>
/// <param name="Name">The pod's name.</param>
/// <param name="Uid">The pod's UID.</param>
public sealed record ReportingPod(string Name, string Uid);

/// <summary>How one node announces one Service.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Addresses">The addresses the node announces for it, sorted.</param>
/// <param name="Interfaces">layer2: the interfaces the advertisement names (empty: every suitable interface), sorted.</param>
/// <param name="Peers">bgp: the BGPPeers the Service is advertised to from this node, sorted.</param>
/// <param name="Failure">Why the node cannot announce it as asked (MetalLB's announceFailed), or null.</param>
public sealed record ServiceAnnouncementReport(
    string Namespace,
    string Name,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Interfaces,
    IReadOnlyList<string> Peers,
    string? Failure = null)
{
    public bool Equals(ServiceAnnouncementReport? other) =>
        other is not null && Namespace == other.Namespace && Name == other.Name && Failure == other.Failure
        && Addresses.SequenceEqual(other.Addresses, StringComparer.Ordinal)
        && Interfaces.SequenceEqual(other.Interfaces, StringComparer.Ordinal)
        && Peers.SequenceEqual(other.Peers, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Namespace, Name, Failure);
}

/// <summary>The state keys of the node reports: one per agent and node, written only by that agent.</summary>
public static class NodeReportKeys
{
    /// <summary>The agents that report.</summary>
    public static IReadOnlyList<string> Agents { get; } = ["layer2", "bgp"];

    /// <summary>The key of <paramref name="agent"/>'s report on <paramref name="node"/>.</summary>
    public static string For(string agent, string node) => "report/" + agent + "/" + node;
}
