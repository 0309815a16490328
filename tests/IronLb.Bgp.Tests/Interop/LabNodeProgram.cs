using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// The test assembly's entry point (the test runner never calls it). <c>lab-node MANIFESTS STORE STATE NODE ADDRESS</c>
/// runs one node's bgp service as <c>ironlb run</c> hosts it (AddBgp on the file-backed state store and the in-process
/// bus), in a process of its own that a test can kill by PID and start again. ipam is not there: the configuration
/// and an intent announcing ADDRESS from NODE, which ipam would have written, are seeded into the store.
/// </summary>
internal static class LabNodeProgram
{
    public const string Command = "lab-node";
    public const string ReadyLine = "lab node ready";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Command, var manifests, var store, var stateDirectory, var node, var address])
        {
            await Console.Error.WriteLineAsync($"usage: {Command} MANIFESTS STORE STATE NODE ADDRESS");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Node:Name"] = node,
            ["Bgp:ListenPort"] = "0",
            ["Bgp:StateDirectory"] = stateDirectory,
        });
        builder.Services.AddInProcessMessaging(store);
        builder.AddBgp();
        using var host = builder.Build();
        await SeedAsync(host.Services.GetRequiredService<IStateStore>(), manifests, node, address);
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static async Task SeedAsync(IStateStore store, string manifests, string node, string address)
    {
        var loaded = ManifestLoader.Parse(await File.ReadAllTextAsync(manifests), manifests);
        if (loaded.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", loaded.Errors));
        }

        var configuration = loaded.Configuration;
        var document = new ConfigurationDocument(1, ConfigurationDocument.DigestOf(configuration), manifests, DateTimeOffset.UnixEpoch, configuration);
        var intents = new IntentSet(1, [new AnnouncementIntent("lab", "web", [address], "lab", [],
            [new BgpAnnouncement("lab", [node], 32, 128, null, [], [], [])], "Cluster", [node])]);
        await store.TrySaveAsync(StateKeys.Config, ContractJson.Serialize(document), etag: null);
        await store.TrySaveAsync(StateKeys.IntentShard(IntentShards.Of("lab", "web")), ContractJson.Serialize(intents), etag: null);
    }
}
