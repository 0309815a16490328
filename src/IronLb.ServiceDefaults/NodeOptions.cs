namespace IronLb.ServiceDefaults;

/// <summary>Which node this process runs on, bound from the "Node" configuration section.</summary>
public sealed class NodeOptions
{
    /// <summary>The Kubernetes node name. Default: $NODE_NAME (the downward API sets it), else the host name.</summary>
    public string Name { get; set; } = Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } name ? name : Environment.MachineName;

    /// <summary>This pod's name, which owns the status objects written for this node. Default: $POD_NAME; none outside Kubernetes.</summary>
    public string? PodName { get; set; } = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : null;

    /// <summary>This pod's UID (downward API metadata.uid). Default: $POD_UID; none outside Kubernetes.</summary>
    public string? PodUid { get; set; } = Environment.GetEnvironmentVariable("POD_UID") is { Length: > 0 } uid ? uid : null;

    /// <summary>How often a node agent compares what it announces with its last report (it writes only a change). Default: 2 s.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(2);
}
