using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace IronLb.Ipam.Kubernetes;

/// <summary>The objects the watches have seen, as the API server sent them, by resource and namespace/name.</summary>
/// <remarks>
/// Every change rings <see cref="Changes"/>, a doorbell of capacity one: a burst of events leaves one ring, and the
/// reader takes a snapshot of everything rather than replaying events. A resource counts as synced once its first
/// list landed; until all are, a snapshot would miss objects (all Services, say) and must not be published.
/// </remarks>
internal sealed class ClusterObjectCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<WatchedResource, Dictionary<string, JsonObject>> _objects = WatchedResource.All.ToDictionary(r => r, _ => new Dictionary<string, JsonObject>(StringComparer.Ordinal));
    private readonly HashSet<WatchedResource> _synced = [];
    private long _highestResourceVersion;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Rings after every change.</summary>
    public ChannelReader<bool> Changes => _changes.Reader;

    /// <summary>True once every resource was listed at least once.</summary>
    public bool IsSynced
    {
        get
        {
            lock (_gate)
            {
                return _synced.Count == WatchedResource.All.Count;
            }
        }
    }

    /// <summary>Replaces everything known of <paramref name="resource"/> with a fresh list: objects deleted while unwatched disappear.</summary>
    public void Replace(WatchedResource resource, IEnumerable<JsonObject> items, string? listResourceVersion = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        lock (_gate)
        {
            var objects = _objects[resource];
            objects.Clear();
            foreach (var item in items)
            {
                objects[KeyOf(item)] = item;
            }

            _synced.Add(resource);
            Observe(listResourceVersion);
        }

        Ring();
    }

    /// <summary>Applies one watch event: ADDED and MODIFIED store the object, DELETED removes it.</summary>
    public void Apply(WatchedResource resource, bool deleted, JsonObject item)
    {
        lock (_gate)
        {
            if (deleted)
            {
                _objects[resource].Remove(KeyOf(item));
            }
            else
            {
                _objects[resource][KeyOf(item)] = item;
            }

            Observe(ObjectJson.ResourceVersion(item));
        }

        Ring();
    }

    /// <summary>Notes a resourceVersion a bookmark brought: everything up to it has been seen.</summary>
    public void Bookmark(string? resourceVersion)
    {
        lock (_gate)
        {
            Observe(resourceVersion);
        }
    }

    /// <summary>Stores what a write returned, unless a watch has deleted the object meanwhile.</summary>
    public void Update(WatchedResource resource, JsonObject item)
    {
        lock (_gate)
        {
            var objects = _objects[resource];
            var key = KeyOf(item);
            if (objects.TryGetValue(key, out var known) && ResourceVersionOf(known) <= ResourceVersionOf(item))
            {
                objects[key] = item;
            }
        }
    }

    /// <summary>The object of that namespace and name, or null.</summary>
    public JsonObject? Find(WatchedResource resource, string ns, string name)
    {
        lock (_gate)
        {
            return _objects[resource].GetValueOrDefault(ns + "/" + name);
        }
    }

    /// <summary>Every object of every resource, as of now. The objects are shared: readers must not change them.</summary>
    public IReadOnlyDictionary<WatchedResource, IReadOnlyList<JsonObject>> Snapshot() => Snapshot(out _);

    /// <summary>
    /// Every object of every resource, and the highest resourceVersion this view has seen (a list, an event, a
    /// bookmark; 0 when none could be read as a number). Taken together, so the view holds everything up to it.
    /// </summary>
    public IReadOnlyDictionary<WatchedResource, IReadOnlyList<JsonObject>> Snapshot(out long highestResourceVersion)
    {
        lock (_gate)
        {
            highestResourceVersion = _highestResourceVersion;
            return _objects.ToDictionary(e => e.Key, e => (IReadOnlyList<JsonObject>)[.. e.Value.Values]);
        }
    }

    private void Ring() => _changes.Writer.TryWrite(true);

    // Under the lock. resourceVersions are etcd revisions in every API server there is, though clients are told not to
    // rely on it; one that is not a number is simply not counted.
    private void Observe(string? resourceVersion)
    {
        if (long.TryParse(resourceVersion, out var version) && version > _highestResourceVersion)
        {
            _highestResourceVersion = version;
        }
    }

    private static string KeyOf(JsonObject item) => ObjectJson.Namespace(item) + "/" + ObjectJson.Name(item);

    // resourceVersion is opaque to clients; an unparseable one counts as newest so a write's answer is never lost.
    private static long ResourceVersionOf(JsonObject item) =>
        long.TryParse(ObjectJson.ResourceVersion(item), out var version) ? version : long.MaxValue;
}
