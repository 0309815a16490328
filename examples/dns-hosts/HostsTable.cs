using System.Text;
using System.Text.Json;

namespace DnsHosts;

/// <summary>What applying one event did.</summary>
internal enum Applied
{
    /// <summary>The table changed (or confirmed what it had).</summary>
    Changed,

    /// <summary>Seen already, or older than what the table has for its subject: dropped.</summary>
    Duplicate,

    /// <summary>Applied, but the subject's previous event never arrived: events were missed, resynchronise.</summary>
    Gap,

    /// <summary>Not a Service address event.</summary>
    Ignored,
}

/// <summary>
/// NAME.NAMESPACE -> addresses, kept from IronLB's Service events. Each event carries a Service's whole current state, so
/// the newest version per Service wins; an event at or below the version held is a duplicate or stale and is dropped.
/// </summary>
internal sealed class HostsTable
{
    private const string ServiceEvents = "io.ironlb.service.";

    /// <summary>Per subject ("services/NS/NAME"): the version applied last and the addresses (empty once released).</summary>
    public Dictionary<string, Entry> Entries { get; init; } = new(StringComparer.Ordinal);

    /// <summary>One Service's row: its host name, addresses and the event version they come from.</summary>
    public sealed record Entry(string Host, List<string> Addresses, long Version);

    /// <summary>Applies one CloudEvent (structured JSON).</summary>
    public Applied Apply(JsonElement cloudEvent)
    {
        var type = cloudEvent.GetProperty("type").GetString() ?? "";
        if (!type.StartsWith(ServiceEvents, StringComparison.Ordinal) || !cloudEvent.TryGetProperty("data", out var data))
        {
            return Applied.Ignored;
        }

        var subject = cloudEvent.GetProperty("subject").GetString()!;
        var version = data.GetProperty("version").GetInt64();
        var previous = data.GetProperty("previousVersion").GetInt64();
        var held = Entries.TryGetValue(subject, out var entry) ? entry.Version : 0;
        if (version <= held)
        {
            return Applied.Duplicate;
        }

        var host = data.GetProperty("name").GetString() + "." + data.GetProperty("namespace").GetString();
        List<string> addresses = type.Contains(".addresses.assigned.", StringComparison.Ordinal) || type.Contains(".addresses.changed.", StringComparison.Ordinal)
            ? [.. data.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!)]
            : [];
        Entries[subject] = new Entry(host, addresses, version);

        // previousVersion names the event before this one; 0 starts a new sequence (a new Service, or back after a release).
        return previous > held ? Applied.Gap : Applied.Changed;
    }

    /// <summary>Replaces the table by IronLB's /status (its ipam section), taken at allocation version <c>allocationVersion</c>.</summary>
    public void Resync(JsonElement status)
    {
        var ipam = status.GetProperty("ipam");
        var at = ipam.GetProperty("allocationVersion").GetInt64();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in ipam.GetProperty("services").EnumerateArray())
        {
            var (ns, name) = (service.GetProperty("namespace").GetString()!, service.GetProperty("name").GetString()!);
            var subject = $"services/{ns}/{name}";
            seen.Add(subject);
            List<string> addresses = [.. service.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!)];
            Entries[subject] = new Entry(name + "." + ns, addresses, Math.Max(at, Entries.TryGetValue(subject, out var e) ? e.Version : 0));
        }

        foreach (var (subject, entry) in Entries.Where(e => !seen.Contains(e.Key)).ToList())
        {
            Entries[subject] = entry with { Addresses = [], Version = Math.Max(at, entry.Version) };
        }
    }

    /// <summary>The hosts-format file: "ADDRESS HOST" per address, sorted by host then address.</summary>
    public string Render()
    {
        var text = new StringBuilder("# Written by the dns-hosts example from IronLB's event stream (docs/events.md). Do not edit.\n");
        foreach (var (host, address) in Entries.Values.SelectMany(e => e.Addresses.Select(a => (e.Host, a)))
            .OrderBy(r => r.Host, StringComparer.Ordinal).ThenBy(r => r.a, StringComparer.Ordinal))
        {
            text.Append(address).Append('\t').Append(host).Append('\n');
        }

        return text.ToString();
    }
}
