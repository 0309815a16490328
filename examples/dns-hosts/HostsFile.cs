using System.Text.Json;

namespace DnsHosts;

/// <summary>
/// The hosts file and, beside it, FILE.state.json with the versions it was built from, so a restarted subscriber still
/// drops what it applied before. Both are replaced atomically (write, then rename).
/// </summary>
internal sealed class HostsFile(string path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Path { get; } = path;

    public HostsTable Load()
    {
        var state = Path + ".state.json";
        return File.Exists(state)
            ? new HostsTable { Entries = JsonSerializer.Deserialize<Dictionary<string, HostsTable.Entry>>(File.ReadAllText(state), Json) ?? [] }
            : new HostsTable();
    }

    public void Save(HostsTable table)
    {
        Replace(Path + ".state.json", JsonSerializer.Serialize(table.Entries, Json));
        Replace(Path, table.Render());
    }

    private static void Replace(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
