using IronLb.Core.Contracts;

namespace IronLb.Core.State;

/// <summary>Writes one node agent's <see cref="NodeReport"/> to its key, only when it changed.</summary>
/// <remarks>
/// The key has one writer (the agent on that node), so the compare-and-swap never contends in practice; it is there
/// so a replaced pod still starting cannot lose to its predecessor's last write without noticing. A write that fails
/// leaves the report unwritten and is tried again on the next call: the store keeps the last report that did land,
/// which is what this node announced then (fail static, as the announcements themselves).
/// </remarks>
public sealed class NodeReportWriter(IStateStore store)
{
    private NodeReport? _written;

    /// <summary>Writes <paramref name="report"/> unless it equals the last one written; true when it wrote.</summary>
    public async Task<bool> WriteAsync(NodeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Equals(_written))
        {
            return false;
        }

        await store.UpdateJsonAsync<NodeReport>(NodeReportKeys.For(report.Agent, report.Node), _ => report, cancellationToken: cancellationToken).ConfigureAwait(false);
        _written = report;
        return true;
    }
}
