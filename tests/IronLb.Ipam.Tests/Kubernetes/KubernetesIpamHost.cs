using System.Text.Json.Nodes;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>
/// The ipam host in Kubernetes mode (the AddIpam the service uses, on the in-process bus and file state store) against a
/// <see cref="FakeApiServer"/> loaded with examples/, plus bounded waits on what it writes there.
/// </summary>
internal sealed class KubernetesIpamHost : IAsyncDisposable
{
    /// <summary>The longest any wait lasts; generous, as the machine may be busy, and never part of an assertion.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _directory;

    private readonly bool _ownsApi;

    private KubernetesIpamHost(FakeApiServer api, IHost host, string directory, bool ownsApi)
    {
        Api = api;
        Host = host;
        _directory = directory;
        _ownsApi = ownsApi;
    }

    public FakeApiServer Api { get; }

    public IHost Host { get; }

    /// <summary>The configuration this host applied last.</summary>
    public ConfigurationDocument? Configuration => Host.Services.GetRequiredService<CurrentConfiguration>().Document;

    /// <summary>Starts the fake API server with examples/, lets <paramref name="prepare"/> change it, then starts ipam against it.</summary>
    public static async Task<KubernetesIpamHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<FakeApiServer>? prepare = null)
    {
        var api = await FakeApiServer.StartAsync();
        LoadExamples(api);
        prepare?.Invoke(api);
        try
        {
            return await StartAsync(api, null, settings);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>A second ipam replica: the same API server and the same state store (as replicas share Redis), its own bus.</summary>
    public Task<KubernetesIpamHost> StartReplicaAsync() => StartAsync(Api, Host.Services.GetRequiredService<IStateStore>(), null);

    private static async Task<KubernetesIpamHost> StartAsync(FakeApiServer api, IStateStore? sharedStore, IReadOnlyDictionary<string, string?>? settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ironlb-ipam-k8s-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ipam:Kubernetes:Enabled"] = "true",
            ["Ipam:Kubernetes:Kubeconfig"] = api.WriteKubeconfig(directory),
            ["Ipam:Kubernetes:Debounce"] = "00:00:00.100",
            ["Ipam:Kubernetes:RetryDelay"] = "00:00:00.100",
            ["Ipam:Kubernetes:MaxRetryDelay"] = "00:00:01",
            ["Ipam:Kubernetes:ListPageSize"] = "3",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddInProcessMessaging(Path.Combine(directory, "state"));
        if (sharedStore is not null)
        {
            builder.Services.AddSingleton(sharedStore);
        }

        builder.AddIpam();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new KubernetesIpamHost(api, host, directory, ownsApi: sharedStore is null);
    }

    /// <summary>examples/ as kubectl apply would create it, with the namespaces it uses.</summary>
    public static void LoadExamples(FakeApiServer api)
    {
        foreach (var ns in new[] { "metallb-system", "shop", "infra", "team-a" })
        {
            api.Apply(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        foreach (var file in Directory.EnumerateFiles(RepositoryLayout.PathOf("examples")).Order(StringComparer.Ordinal))
        {
            foreach (var manifest in file.EndsWith(".md", StringComparison.Ordinal) ? [] : ManifestJson.ReadFile(file))
            {
                api.Apply(manifest);
            }
        }
    }

    public static string[] Ingress(JsonObject service) =>
        [.. (service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => i!["ip"]!.GetValue<string>())];

    public static string? Pool(JsonObject service) =>
        service["metadata"]?["annotations"]?[ServiceAnnotations.IpAllocatedFromPool]?.GetValue<string>();

    /// <summary>Polls the fake server until the Service satisfies <paramref name="condition"/>; fails with its last state at the deadline.</summary>
    public Task<JsonObject> WaitForServiceAsync(string ns, string name, Func<JsonObject, bool> condition) =>
        WaitAsync(() => Api.Get("Service", ns, name) is { } service && condition(service) ? service : null, $"Service {ns}/{name}", () => Api.Get("Service", ns, name)?.ToJsonString());

    /// <summary>Polls until <paramref name="probe"/> gives a value; fails at the deadline.</summary>
    public static async Task<T> WaitAsync<T>(Func<T?> probe, string what, Func<string?>? lastState = null)
        where T : class
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{what} did not reach the expected state in time; last seen: {lastState?.Invoke() ?? "(nothing)"}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        if (_ownsApi)
        {
            await Api.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }
}
