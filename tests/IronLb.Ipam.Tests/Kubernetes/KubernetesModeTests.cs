using System.Text.Json;
using System.Text.Json.Nodes;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Configuration;
using IronLb.Ipam.Kubernetes;
using IronLb.Ipam.Planning;
using IronLb.Ipam.Reconciliation;
using IronLb.ServiceDefaults;
using IronLb.Testing;
using Microsoft.Extensions.DependencyInjection;
using static IronLb.Ipam.Tests.Kubernetes.KubernetesIpamHost;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>ipam in Kubernetes mode end to end: reading through list and watch, writing status, annotations and Events back.</summary>
public sealed class KubernetesModeTests
{
    [Fact]
    public async Task Start_ExamplesInTheApi_EveryServiceShowsItsPlan()
    {
        await using var ipam = await StartAsync();
        var plans = ExamplePlans();

        foreach (var plan in plans)
        {
            await ipam.WaitForServiceAsync(plan.Namespace, plan.Name, s => Ingress(s).SequenceEqual(plan.Addresses) && Pool(s) == plan.Pool);
        }

        Assert.Equal(["203.0.113.10"], Ingress(ipam.Api.Get("Service", "infra", "dns-tcp")!));
        Assert.Equal(["203.0.113.10"], Ingress(ipam.Api.Get("Service", "infra", "dns-udp")!));
        Assert.Equal("team-a", Pool(ipam.Api.Get("Service", "team-a", "checkout")!));
        var events = await WaitAsync(() => AllocatedEvents(ipam) is { } e && e.Count == plans.Count(p => p.Addresses.Count > 0) ? e : null, "IPAllocated events");
        var checkout = ipam.Api.Get("Service", "team-a", "checkout")!;
        var checkoutEvent = Assert.Single(events, e => e["involvedObject"]!["name"]!.GetValue<string>() == "checkout");
        Assert.Equal("Assigned IP [\"198.51.100.70\"]", checkoutEvent["message"]!.GetValue<string>());
        Assert.Equal(checkout["metadata"]!["uid"]!.GetValue<string>(), checkoutEvent["involvedObject"]!["uid"]!.GetValue<string>());
        Assert.Equal("Normal", checkoutEvent["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resync_NothingChanged_WritesNothingAndRecordsNoSecondEvent()
    {
        await using var ipam = await StartAsync();
        var plans = ExamplePlans();
        await WaitAsync(() => AllocatedEvents(ipam) is { } e && e.Count == plans.Count(p => p.Addresses.Count > 0) ? e : null, "IPAllocated events");
        var versions = ServiceVersions(ipam);

        var worker = ipam.Host.Services.GetRequiredService<IpamWorker>();
        await worker.RunOnceAsync(CancellationToken.None);
        await worker.RunOnceAsync(CancellationToken.None);

        Assert.Equal(versions, ServiceVersions(ipam));
        Assert.Equal(plans.Count(p => p.Addresses.Count > 0), ipam.Api.All("Event").Count);
    }

    [Fact]
    public async Task TwoReplicas_SameApiAndStore_AgreeAndRewriteNothing()
    {
        await using var first = await StartAsync();
        await using var second = await first.StartReplicaAsync();
        var plans = ExamplePlans();

        foreach (var plan in plans)
        {
            await first.WaitForServiceAsync(plan.Namespace, plan.Name, s => Ingress(s).SequenceEqual(plan.Addresses) && Pool(s) == plan.Pool);
        }

        // Once both caches hold the written statuses, neither replica has anything left to write.
        foreach (var replica in new[] { first, second })
        {
            var cache = replica.Host.Services.GetRequiredService<ClusterObjectCache>();
            await WaitAsync(() => plans.All(p => cache.Find(WatchedResource.Services, p.Namespace, p.Name) is { } s && Ingress(s).SequenceEqual(p.Addresses)) ? cache : null, "the statuses in a replica's cache");
        }

        var versions = ServiceVersions(first);
        await first.Host.Services.GetRequiredService<IpamWorker>().RunOnceAsync(CancellationToken.None);
        await second.Host.Services.GetRequiredService<IpamWorker>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(versions, ServiceVersions(first));
    }

    [Fact]
    public async Task StoredViewFromAReplicaAhead_NotRolledBack()
    {
        await using var ipam = await StartAsync();
        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var current = await WaitAsync(() => ipam.Configuration, "the first configuration");
        var state = ipam.Host.Services.GetRequiredService<ConfigurationState>();
        var ahead = current.Configuration with { Services = ValueList.From(current.Configuration.Services.Where(s => s.Name != "ingress")) };
        var stored = await state.PublishAsync(ahead, ViewWatermark.Label(long.MaxValue / 2), CancellationToken.None);

        ipam.Api.Apply(LoadBalancer("shop", "cart"));
        var cache = ipam.Host.Services.GetRequiredService<ClusterObjectCache>();
        await WaitAsync(() => cache.Find(WatchedResource.Services, "shop", "cart"), "shop/cart in the cache");

        Assert.Empty(await ipam.Host.Services.GetRequiredService<KubernetesConfigurationSource>().PublishIfChangedAsync(CancellationToken.None));
        var after = await state.ReadAsync(CancellationToken.None);
        Assert.Equal(stored.Version, after!.Version);
        Assert.DoesNotContain(after.Configuration.Services, s => s.Name == "cart");
    }

    [Fact]
    public async Task StoredViewAheadForLongerThanMaxLag_OursStoredAnyway()
    {
        await using var ipam = await StartAsync(new Dictionary<string, string?> { ["Ipam:Kubernetes:MaxLag"] = "00:00:00.500" });
        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var current = await WaitAsync(() => ipam.Configuration, "the first configuration");
        var state = ipam.Host.Services.GetRequiredService<ConfigurationState>();

        // As after an etcd restore: the stored view claims a resourceVersion this cluster will not reach again.
        var ahead = current.Configuration with { Services = ValueList.From(current.Configuration.Services.Where(s => s.Name != "ingress")) };
        await state.PublishAsync(ahead, ViewWatermark.Label(long.MaxValue / 2), CancellationToken.None);
        ipam.Api.Apply(LoadBalancer("shop", "cart"));

        await ipam.WaitForServiceAsync("shop", "cart", s => Ingress(s).Length == 1);
        Assert.Contains(ipam.Configuration!.Configuration.Services, s => s.Name == "ingress");
    }

    [Fact]
    public async Task Start_ExamplesInTheApi_EveryPoolShowsItsCountersInMetalLbsForm()
    {
        await using var ipam = await StartAsync();
        var configuration = ManifestLoader.LoadDirectory(RepositoryLayout.PathOf("examples")).Configuration;
        var pools = AllocationSolver.Solve(configuration, new Dictionary<ServiceKey, AddressAssignment>(), null, configuration.NamespaceLabels).Allocator.Status();
        Assert.Contains(pools, p => p.AssignedIPv4 > 0);

        foreach (var pool in pools)
        {
            var stored = await WaitAsync(
                () => ipam.Api.Get("IPAddressPool", "metallb-system", pool.Pool) is { } p && p["status"] is JsonObject status && status.ContainsKey("availableIPv4") ? status : null,
                $"IPAddressPool {pool.Pool} status");
            Assert.Equal((long)pool.AssignedIPv4, stored["assignedIPv4"]!.GetValue<long>());
            Assert.Equal((long)pool.AvailableIPv4, stored["availableIPv4"]!.GetValue<long>());
            Assert.Equal((long)pool.AssignedIPv6, stored["assignedIPv6"]!.GetValue<long>());
            Assert.Equal(pool.AvailableIPv6 > long.MaxValue ? long.MaxValue : (long)pool.AvailableIPv6, stored["availableIPv6"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task AddressesMetalLbGaveBeforeTheSwitch_KeptWhenStillValid()
    {
        // What a cluster looks like when MetalLB served it: status written, nothing in IronLB's store yet.
        await using var ipam = await StartAsync(prepare: api =>
        {
            foreach (var (name, address) in new[] { ("web", "203.0.113.20"), ("api", "192.0.2.200") })
            {
                var service = api.Get("Service", "shop", name)!;
                Assert.True(api.Delete("Service", "shop", name));
                service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = address }) } };
                api.Apply(service);
            }
        });

        var web = await ipam.WaitForServiceAsync("shop", "web", s => Pool(s) is not null);
        var api = await ipam.WaitForServiceAsync("shop", "api", s => Pool(s) is not null);

        Assert.Equal(["203.0.113.20"], Ingress(web));
        Assert.Equal("public-v4", Pool(web));

        // 192.0.2.200 is in no pool: api gets an address afresh, the lowest free one as always.
        Assert.Equal(["203.0.113.2"], Ingress(api));
    }

    [Fact]
    public async Task StoreWiped_ConfigurationStoredAgainAndEveryAddressRebuiltFromServiceStatus()
    {
        // web holds 203.0.113.20, not the lowest free address a fresh allocation would give: only its status says so.
        await using var ipam = await StartAsync(
            new Dictionary<string, string?> { ["Ipam:ConfigPollInterval"] = "00:00:00.200" },
            api =>
            {
                var service = api.Get("Service", "shop", "web")!;
                Assert.True(api.Delete("Service", "shop", "web"));
                service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "203.0.113.20" }) } };
                api.Apply(service);
            });
        foreach (var plan in ExamplePlans().Where(p => p.Name != "web"))
        {
            await ipam.WaitForServiceAsync(plan.Namespace, plan.Name, s => Ingress(s).SequenceEqual(plan.Addresses));
        }

        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).SequenceEqual(["203.0.113.20"]));
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();
        var before = await StoredAddressesAsync(store);
        Assert.NotNull(before);

        // Redis restarted without persistence: every key ipam wrote is gone, and no watch event comes to say so.
        foreach (var key in new[] { StateKeys.Config, AllocationDocument.StateKey }.Concat(IntentShards.AllKeys))
        {
            Assert.True(await store.TryDeleteAsync(key, etag: null));
        }

        Dictionary<string, string>? after = null;
        for (var round = 0; round < 600 && after?.Count != before.Count; round++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            after = await StoredAddressesAsync(store);
        }

        Assert.True(await store.GetAsync(StateKeys.Config) is { Exists: true }, "the configuration was not stored again");
        Assert.Equal(before, after);
        Assert.Equal("203.0.113.20", after!["shop/web"]);
    }

    [Fact]
    public async Task ServiceAddedThroughWatch_GetsAnAddress()
    {
        await using var ipam = await StartAsync();
        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);

        ipam.Api.Apply(LoadBalancer("shop", "cart", ("metallb.io/address-pool", "public-v4")));

        var cart = await ipam.WaitForServiceAsync("shop", "cart", s => Ingress(s).Length == 1 && Pool(s) == "public-v4");
        var taken = ipam.Api.All("Service").Where(s => s["metadata"]!["name"]!.GetValue<string>() is not "cart" and not "dns-tcp" and not "dns-udp").SelectMany(Ingress);
        Assert.DoesNotContain(Ingress(cart)[0], taken);
    }

    [Fact]
    public async Task PoolNarrowed_AllocationsNoLongerValid_StatusMovesOrIsCleared()
    {
        await using var ipam = await StartAsync();
        await ipam.WaitForServiceAsync("infra", "dns-tcp", s => Ingress(s).Length == 1);
        var pool = ipam.Api.Get("IPAddressPool", "metallb-system", "public-v4")!;
        pool["spec"]!["addresses"] = new JsonArray("203.0.113.64/27");

        ipam.Api.Apply(pool);

        var web = await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s) is [var a] && InRange(a, 64, 95));
        Assert.Equal("public-v4", Pool(web));
        var dns = await ipam.WaitForServiceAsync("infra", "dns-tcp", s => Ingress(s).Length == 0 && Pool(s) is null);
        var failure = await WaitAsync(() => ipam.Api.All("Event").FirstOrDefault(e => e["reason"]!.GetValue<string>() == "AllocationFailed" && e["involvedObject"]!["name"]!.GetValue<string>() == "dns-tcp"), "AllocationFailed event");
        Assert.Equal("Warning", failure["type"]!.GetValue<string>());
        Assert.Equal(PlanError(ipam, "infra", "dns-tcp"), failure["message"]!.GetValue<string>());
        Assert.NotNull(dns["metadata"]!["uid"]);
    }

    [Fact]
    public async Task ServiceDeleted_AddressReleased_AnotherServiceGetsIt()
    {
        await using var ipam = await StartAsync();
        var web = await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var address = Ingress(web)[0];
        ipam.Api.Apply(LoadBalancer("shop", "claimant", ("metallb.io/loadBalancerIPs", address)));
        await WaitAsync(() => ipam.Api.All("Event").FirstOrDefault(e => e["reason"]!.GetValue<string>() == "AllocationFailed" && e["involvedObject"]!["name"]!.GetValue<string>() == "claimant"), "claimant's AllocationFailed event");

        Assert.True(ipam.Api.Delete("Service", "shop", "web"));

        await ipam.WaitForServiceAsync("shop", "claimant", s => Ingress(s).SequenceEqual([address]) && Pool(s) == "public-v4");
    }

    [Fact]
    public async Task InvalidPoolAdded_Rejected_LastValidConfigurationKept()
    {
        await using var ipam = await StartAsync();
        var web = await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var accepted = await WaitAsync(() => ipam.Configuration, "the first configuration");

        ipam.Api.Apply(new JsonObject
        {
            ["apiVersion"] = "metallb.io/v1beta1",
            ["kind"] = "IPAddressPool",
            ["metadata"] = new JsonObject { ["name"] = "clash", ["namespace"] = "metallb-system" },
            ["spec"] = new JsonObject { ["addresses"] = new JsonArray("203.0.113.0/28") },
        });

        var rejected = await WaitAsync(() => SourceStatus(ipam)["lastRejected"] is JsonObject r && r.ToJsonString().Contains("clash", StringComparison.Ordinal) ? r : null, "the rejection");
        Assert.Contains("IPAddressPool/clash", rejected.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(accepted.Version, ipam.Configuration!.Version);
        Assert.DoesNotContain(ipam.Configuration.Configuration.IpAddressPools, p => p.Name == "clash");
        Assert.Equal(Ingress(web), Ingress(ipam.Api.Get("Service", "shop", "web")!));
    }

    [Fact]
    public async Task WatchDropped_ResumesFromTheLastVersionWithoutListing()
    {
        await using var ipam = await StartAsync();
        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var servicesListed = ipam.Api.ListCount("services");

        ipam.Api.DropAndHoldWatches();
        ipam.Api.Apply(LoadBalancer("shop", "while-away"));
        ipam.Api.ReleaseWatches();

        await ipam.WaitForServiceAsync("shop", "while-away", s => Ingress(s).Length == 1);
        Assert.Equal(servicesListed, ipam.Api.ListCount("services"));
        Assert.Equal(0, ipam.Api.GoneServed);
    }

    [Fact]
    public async Task WatchExpired_RelistsAndLosesNothing()
    {
        await using var ipam = await StartAsync();
        await ipam.WaitForServiceAsync("infra", "ingress", s => Ingress(s).Length == 1);
        var servicesListed = ipam.Api.ListCount("services");

        // While the watches are down, a Service comes and one goes, and the server compacts those events away.
        ipam.Api.DropAndHoldWatches();
        ipam.Api.Apply(LoadBalancer("shop", "late"));
        Assert.True(ipam.Api.Delete("Service", "infra", "ingress"));
        ipam.Api.Compact();
        ipam.Api.ReleaseWatches();

        await ipam.WaitForServiceAsync("shop", "late", s => Ingress(s).Length == 1);
        await WaitAsync(() => ipam.Configuration is { } c && !c.Configuration.Services.Any(s => s.Name == "ingress") ? c : null, "a configuration without infra/ingress");
        Assert.True(ipam.Api.GoneServed > 0);
        Assert.True(ipam.Api.ListCount("services") > servicesListed);
    }

    [Fact]
    public async Task ServiceNoLongerLoadBalancer_StatusAndAnnotationCleared()
    {
        await using var ipam = await StartAsync();
        var web = await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1 && Pool(s) is not null);

        web["spec"]!["type"] = "ClusterIP";
        ipam.Api.Apply(web);

        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 0 && Pool(s) is null);
    }

    [Fact]
    public async Task BurstOfWatchEvents_OnePublishAndNoneForStatusWrites()
    {
        await using var ipam = await StartAsync(new Dictionary<string, string?> { ["Ipam:Kubernetes:Debounce"] = "00:00:01" });
        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var first = await WaitAsync(() => ipam.Configuration, "the first configuration");

        string[] names = ["burst-1", "burst-2", "burst-3", "burst-4", "burst-5"];
        foreach (var name in names)
        {
            ipam.Api.Apply(LoadBalancer("shop", name));
        }

        foreach (var name in names)
        {
            await ipam.WaitForServiceAsync("shop", name, s => Ingress(s).Length == 1);
        }

        // The status writes came back through the watch; once the cache holds them, mapping it again changes nothing.
        var cache = ipam.Host.Services.GetRequiredService<ClusterObjectCache>();
        await WaitAsync(() => names.All(n => cache.Find(WatchedResource.Services, "shop", n) is { } s && Ingress(s).Length == 1) ? cache : null, "the written statuses in the cache");
        Assert.Empty(await ipam.Host.Services.GetRequiredService<KubernetesConfigurationSource>().PublishIfChangedAsync(CancellationToken.None));
        Assert.Equal(first.Version + 1, ipam.Configuration!.Version);
    }

    [Fact]
    public async Task ApiUnavailableAtStart_RetriesWithBackoff_ThenWritesStatus()
    {
        FakeApiServer? api = null;
        await using var ipam = await StartAsync(prepare: fake =>
        {
            api = fake;
            fake.FailNextLists(20);
        });

        await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);

        Assert.Equal(20, api!.ListsFailed);
    }

    [Fact]
    public async Task Start_ConfigDirectoryAndKubernetes_RefusesToStart()
    {
        var settings = new Dictionary<string, string?> { ["Ipam:ConfigDirectory"] = RepositoryLayout.PathOf("examples") };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(settings));

        Assert.Contains("mutually exclusive", failure.ToString(), StringComparison.Ordinal);
    }

    private static IReadOnlyList<ServicePlan> ExamplePlans()
    {
        var configuration = ManifestLoader.LoadDirectory(RepositoryLayout.PathOf("examples")).Configuration;
        return AllocationSolver.Solve(configuration, new Dictionary<ServiceKey, AddressAssignment>(), null, configuration.NamespaceLabels).Plans;
    }

    private static async Task<Dictionary<string, string>?> StoredAddressesAsync(IStateStore store) =>
        (await store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey)).Value?.Allocations
            .ToDictionary(a => a.Namespace + "/" + a.Name, a => string.Join(',', a.Addresses), StringComparer.Ordinal);

    private static List<JsonObject> AllocatedEvents(KubernetesIpamHost ipam) =>
        [.. ipam.Api.All("Event").Where(e => e["reason"]!.GetValue<string>() == "IPAllocated")];

    private static Dictionary<string, string> ServiceVersions(KubernetesIpamHost ipam) =>
        ipam.Api.All("Service").ToDictionary(s => s["metadata"]!["name"]!.GetValue<string>(), s => s["metadata"]!["resourceVersion"]!.GetValue<string>());

    private static JsonObject SourceStatus(KubernetesIpamHost ipam) =>
        (JsonObject)JsonSerializer.SerializeToNode(((IStatusContributor)ipam.Host.Services.GetRequiredService<ConfigurationSourceStatus>()).Snapshot())!;

    private static string? PlanError(KubernetesIpamHost ipam, string ns, string name)
    {
        var status = JsonSerializer.SerializeToNode(((IStatusContributor)ipam.Host.Services.GetRequiredService<IpamStatus>()).Snapshot())!;
        return status["services"]!.AsArray().Single(s => s!["namespace"]!.GetValue<string>() == ns && s["name"]!.GetValue<string>() == name)!["error"]?.GetValue<string>();
    }

    private static bool InRange(string address, int first, int last) =>
        address.StartsWith("203.0.113.", StringComparison.Ordinal) && int.Parse(address[10..], System.Globalization.CultureInfo.InvariantCulture) is var octet && octet >= first && octet <= last;

    private static JsonObject LoadBalancer(string ns, string name, params (string Key, string Value)[] annotations) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["annotations"] = new JsonObject([.. annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]),
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "LoadBalancer",
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["protocol"] = "TCP" }),
        },
    };
}
