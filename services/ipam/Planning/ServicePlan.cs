namespace IronLb.Ipam.Planning;

/// <summary>What one Service gets: its addresses and pool, or the reason it gets none.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Addresses">Its addresses in text form, primary family first; empty on error.</param>
/// <param name="Pool">The IPAddressPool they came from (metallb.io/ip-allocated-from-pool), or null.</param>
/// <param name="Error">Why it has no addresses, or null.</param>
public sealed record ServicePlan(string Namespace, string Name, IReadOnlyList<string> Addresses, string? Pool, string? Error);
