using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Reconciliation;

/// <summary>Writes what a reconcile decided back to where users look (in Kubernetes mode: Service status and Events, IPAddressPool status).</summary>
internal interface IStatusWriter
{
    /// <summary>Brings what it writes in line with the result; failures are the writer's to log and retry on the next reconcile.</summary>
    Task WriteAsync(ReconcileResult result, CancellationToken cancellationToken);
}
