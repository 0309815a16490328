namespace IronLb.ServiceDefaults;

/// <summary>Which node a node agent (bgp, layer2) runs on, bound from the "Node" configuration section.</summary>
public sealed class NodeOptions
{
    /// <summary>The Kubernetes node name. Default: $NODE_NAME (the downward API sets it), else the host name.</summary>
    public string Name { get; set; } = Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } name ? name : Environment.MachineName;
}
