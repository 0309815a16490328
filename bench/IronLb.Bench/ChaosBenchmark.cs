using System.Globalization;
using Dapr.Client;
using IronLb.Core.State;
using IronLb.Dapr;
using IronLb.Testing;
using Microsoft.Extensions.Options;

namespace IronLb.Bench;

/// <summary>
/// Every fault of <see cref="ChaosLab"/> in turn, at default timings, while Services are created and deleted at 50 a
/// second through the manifests folder: how long after each fault's recovery the store, the Services and the node
/// agents agree again. There is no baseline to beat: the figure is the time to converge, and duplicates and lost
/// Services must stay 0.
/// </summary>
internal sealed class ChaosBenchmark : IBenchmark
{
    public string Name => "chaos";

    public string Description => "Redis restarts (AOF, no persistence) and SIGSTOP, SIGKILL of every service and sidecar, under Service churn: seconds to converge";

    /// <summary>Arguments: --only FAULT[,FAULT...], --services N (default 100), --rate N per second (default 50),
    /// --timing-factor N (Failover timings times N, default 1), --bound SECONDS (default 60).</summary>
    public async Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var faults = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [.. ChaosLab.Faults];
        var unknown = faults.Except(ChaosLab.Faults).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown faults {string.Join(", ", unknown)}; known: {string.Join(", ", ChaosLab.Faults)}");
        }

        var services = int.Parse(Option(args, "--services") ?? "100", CultureInfo.InvariantCulture);
        var rate = int.Parse(Option(args, "--rate") ?? "50", CultureInfo.InvariantCulture);
        var factor = int.Parse(Option(args, "--timing-factor") ?? "1", CultureInfo.InvariantCulture);
        var bound = TimeSpan.FromSeconds(int.Parse(Option(args, "--bound") ?? "60", CultureInfo.InvariantCulture));

        Console.WriteLine($"Starting Redis (AOF), ipam, two election replicas, layer2 on two nodes and bgp on one, each beside a sidecar, with {services} Services...");
        var outcomes = new List<FaultOutcome>();
        await using (var lab = await ChaosLab.StartAsync(services, FailoverLab.ScaledTimings(factor), OpenStore))
        {
            foreach (var fault in faults)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var outcome = await lab.RunFaultAsync(fault, rate, TimeSpan.FromSeconds(2), bound);
                outcomes.Add(outcome);
                Console.WriteLine(ChaosLab.Describe(outcome));
                if (outcome.Converged is null)
                {
                    Console.Error.WriteLine(lab.Output);
                }
            }

            Console.WriteLine("Tearing the lab down.");
        }

        return ChaosLab.Summary(outcomes)!;
    }

    private static (IStateStore Store, IDisposable Client) OpenStore(SidecarProcess sidecar)
    {
        var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
        return (new DaprStateStore(client, Options.Create(new DaprMessagingOptions())), client);
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
