using System.Text.Json.Nodes;
using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam.Tests.Kubernetes;

public class ClusterObjectCacheTests
{
    [Fact]
    public void IsSynced_UntilEveryResourceListed_False()
    {
        var cache = new ClusterObjectCache();

        foreach (var resource in WatchedResource.All.Skip(1))
        {
            cache.Replace(resource, []);
        }

        Assert.False(cache.IsSynced);
        cache.Replace(WatchedResource.All[0], []);
        Assert.True(cache.IsSynced);
    }

    [Fact]
    public void Replace_AfterEvents_ForgetsWhatTheListLacks()
    {
        var cache = new ClusterObjectCache();
        cache.Apply(WatchedResource.Services, deleted: false, Service("gone", "5"));

        cache.Replace(WatchedResource.Services, [Service("kept", "7")]);

        Assert.Null(cache.Find(WatchedResource.Services, "shop", "gone"));
        Assert.NotNull(cache.Find(WatchedResource.Services, "shop", "kept"));
    }

    [Fact]
    public void Apply_Deleted_Removes()
    {
        var cache = new ClusterObjectCache();
        cache.Apply(WatchedResource.Services, deleted: false, Service("web", "5"));

        cache.Apply(WatchedResource.Services, deleted: true, Service("web", "6"));

        Assert.Null(cache.Find(WatchedResource.Services, "shop", "web"));
    }

    [Fact]
    public void Apply_AnyChange_RingsOnce()
    {
        var cache = new ClusterObjectCache();

        cache.Apply(WatchedResource.Services, deleted: false, Service("a", "5"));
        cache.Apply(WatchedResource.Services, deleted: false, Service("b", "6"));

        Assert.True(cache.Changes.TryRead(out _));
        Assert.False(cache.Changes.TryRead(out _));
    }

    [Fact]
    public void Update_ObjectDeletedMeanwhile_NotResurrected()
    {
        var cache = new ClusterObjectCache();

        cache.Update(WatchedResource.Services, Service("web", "9"));

        Assert.Null(cache.Find(WatchedResource.Services, "shop", "web"));
    }

    [Fact]
    public void Update_OlderThanWhatTheWatchBrought_Ignored()
    {
        var cache = new ClusterObjectCache();
        cache.Apply(WatchedResource.Services, deleted: false, Service("web", "12"));

        cache.Update(WatchedResource.Services, Service("web", "11"));

        Assert.Equal("12", ObjectJson.ResourceVersion(cache.Find(WatchedResource.Services, "shop", "web")!));
    }

    private static JsonObject Service(string name, string resourceVersion) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "shop", ["resourceVersion"] = resourceVersion },
    };
}
