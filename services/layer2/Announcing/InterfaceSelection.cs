using System.Net;
using System.Text.RegularExpressions;

namespace IronLb.Layer2.Announcing;

/// <summary>
/// Interfaces Layer 2 never answers on, by name: MetalLB's metallb-excludel2 list (regular expressions, any one
/// matching excludes), whose defaults keep answers off container, bridge, tunnel and kube-proxy interfaces.
/// </summary>
internal sealed class InterfaceExclusion
{
    private readonly Regex[] _patterns;

    /// <summary>Compiles the patterns; an invalid one throws <see cref="ArgumentException"/> (the validator reports it first).</summary>
    public InterfaceExclusion(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        Patterns = [.. patterns];
        _patterns = [.. Patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))];
    }

    /// <summary>The list MetalLB's manifests ship in the metallb-excludel2 ConfigMap.</summary>
    public static InterfaceExclusion Default { get; } = new(Core.Configuration.ExcludeL2.MetalLbDefaults);

    public IReadOnlyList<string> Patterns { get; }

    public bool Excludes(string interfaceName) => _patterns.Any(p => p.IsMatch(interfaceName));
}

/// <summary>Chooses the interfaces an owned address is announced on, by MetalLB's L2Advertisement rules.</summary>
internal static class InterfaceSelection
{
    /// <summary>
    /// As MetalLB: the interfaces the advertisement names when it names some, otherwise every interface that can
    /// carry an answer (up, not loopback, with a MAC, doing ARP, not a bridge or bond port); never one the exclusion
    /// list names, which MetalLB's speaker does not even listen on.
    /// </summary>
    public static IReadOnlyList<LinkInterface> Select(OwnedAddress owned, IReadOnlyList<LinkInterface> interfaces, InterfaceExclusion exclusion)
    {
        ArgumentNullException.ThrowIfNull(owned);
        ArgumentNullException.ThrowIfNull(interfaces);
        ArgumentNullException.ThrowIfNull(exclusion);
        var candidates = interfaces.Where(i => i.IsCandidate && !exclusion.Excludes(i.Name));
        return owned.AllowedInterfaces.Count > 0
            ? [.. candidates.Where(i => owned.AllowedInterfaces.Contains(i.Name, StringComparer.Ordinal))]
            : [.. candidates];
    }

    /// <summary>With MetalLB's default exclusion list.</summary>
    public static IReadOnlyList<LinkInterface> Select(OwnedAddress owned, IReadOnlyList<LinkInterface> interfaces) =>
        Select(owned, interfaces, InterfaceExclusion.Default);

    public static IReadOnlyList<LinkInterface> Select(IPAddress address, IReadOnlyList<LinkInterface> interfaces, InterfaceExclusion? exclusion = null) =>
        Select(new OwnedAddress(address, [], 0), interfaces, exclusion ?? InterfaceExclusion.Default);
}
