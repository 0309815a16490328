using IronLb.Core.Contracts;
using IronLb.Core.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.ServiceDefaults;

/// <summary>What a node agent announces now, as a report (see <see cref="NodeReport"/>). Pure: reads the agent's own view.</summary>
public interface INodeReportSource
{
    /// <summary>"layer2" or "bgp".</summary>
    string Agent { get; }

    /// <summary>The Services this node announces and how, sorted by namespace then name.</summary>
    IReadOnlyList<ServiceAnnouncementReport> Services();
}

/// <summary>Writes a node agent's report to the state store when it changes, every <see cref="NodeOptions.ReportInterval"/>.</summary>
/// <remarks>
/// Only ipam may write to the Kubernetes API; node agents tell it what they announce through these reports. The loop
/// looks at the agent's in-memory view, not at its main loop, so the agent never waits for a report to be written and
/// a store outage delays only the status objects.
/// </remarks>
public sealed partial class NodeReporter<TSource>(
    TSource source,
    IStateStore store,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<NodeReporter<TSource>> logger) : BackgroundService
    where TSource : INodeReportSource
{
    private readonly NodeReportWriter _writer = new(store);

    /// <summary>Writes the current report if it changed; true when it wrote.</summary>
    public Task<bool> ReportOnceAsync(CancellationToken cancellationToken)
    {
        var options = node.Value;
        var pod = options.PodName is { } name && options.PodUid is { } uid ? new ReportingPod(name, uid) : null;
        return _writer.WriteAsync(new NodeReport(options.Name, source.Agent, pod, source.Services()), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReportOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogReportFailed(logger, source.Agent, ex);
            }

            try
            {
                await Task.Delay(node.Value.ReportInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Could not write the {Agent} report of this node; trying again")]
    private static partial void LogReportFailed(ILogger logger, string agent, Exception exception);
}

/// <summary>Registers a node report loop.</summary>
public static class NodeReporterExtensions
{
    /// <summary>Adds <typeparamref name="TSource"/> and the loop that reports it.</summary>
    public static IServiceCollection AddNodeReporter<TSource>(this IServiceCollection services)
        where TSource : class, INodeReportSource
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<NodeOptions>()
            .Validate(o => o.ReportInterval > TimeSpan.Zero, "Node:ReportInterval must be positive")
            .ValidateOnStart();
        services.AddSingleton<TSource>();
        services.AddSingleton<NodeReporter<TSource>>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeReporter<TSource>>());
        return services;
    }
}
