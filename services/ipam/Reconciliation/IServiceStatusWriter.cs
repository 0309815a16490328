using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Reconciliation;

/// <summary>Writes what a reconcile decided back to where the Services live (in Kubernetes mode, their status and Events).</summary>
internal interface IServiceStatusWriter
{
    /// <summary>Brings every handled Service in line with its plan; failures are the writer's to log and retry on the next reconcile.</summary>
    Task WriteAsync(ReconcileResult result, CancellationToken cancellationToken);
}
