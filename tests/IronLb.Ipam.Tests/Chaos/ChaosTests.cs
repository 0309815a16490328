using Dapr.Client;
using IronLb.Dapr;
using IronLb.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace IronLb.Ipam.Tests.Chaos;

/// <summary>
/// A sample of the chaos benchmark's faults (`bench/run chaos` runs them all), each hitting the services while
/// Services are created and deleted at 50 a second through the manifests folder: after each, every Service must hold
/// exactly one valid address, the intents and owners must agree with the allocations, and every node agent must
/// announce exactly what it owes, within a generous bound. The bench reports how fast.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private const int Services = 100;
    private const int PerSecond = 50;
    private static readonly TimeSpan ChurnBefore = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunFaultAsync_SampledFaultsWhileServicesChurn_EveryServiceOneAddressStateAndAgentsAgree()
    {
        string[] sample = ["redis-restart-aof", "redis-restart-no-persistence", "kill-election", "kill-layer2-sidecar"];
        await using var lab = await ChaosLab.StartAsync(Services, FailoverLab.ScaledTimings(5), OpenStore);
        foreach (var fault in sample)
        {
            var outcome = await lab.RunFaultAsync(fault, PerSecond, ChurnBefore, Bound);
            output.WriteLine(ChaosLab.Describe(outcome));

            Assert.True(outcome.Converged is not null, $"{ChaosLab.Describe(outcome)}\n{lab.Output}");
            Assert.Equal(0, outcome.DuplicatesSeen);
            Assert.True(outcome.ChurnOperations >= PerSecond, $"{fault}: only {outcome.ChurnOperations} Services churned");
        }
    }

    internal static (Core.State.IStateStore Store, IDisposable Client) OpenStore(SidecarProcess sidecar)
    {
        var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
        return (new DaprStateStore(client, Options.Create(new DaprMessagingOptions())), client);
    }
}
