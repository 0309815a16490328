using System.Globalization;
using System.Text;

namespace IronLb.Bench;

/// <summary>A manifests folder with N LoadBalancer Services, each with a ready EndpointSlice on node1, from one pool.</summary>
/// <remarks>Pool data only from 198.18.0.0/15 (the benchmarking range); endpoints from 192.0.2.0/24. Nothing is put on a network.</remarks>
internal static class ScaleManifests
{
    private const string Configuration = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: bench, namespace: metallb-system}
        spec:
          addresses: [198.18.0.0/15]
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata: {name: bench, namespace: metallb-system}
        spec:
          ipAddressPools: [bench]
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: rtr, namespace: metallb-system}
        spec:
          myASN: 64501
          peerASN: 64500
          peerAddress: 192.0.2.1
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node1, labels: {kubernetes.io/hostname: node1}}

        """;

    /// <summary>Writes metallb.yaml and services.yaml (all <paramref name="count"/> Services in one file, as the issue measured).</summary>
    public static void Write(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "metallb.yaml"), Configuration);
        var services = new StringBuilder(count * 420);
        for (var i = 0; i < count; i++)
        {
            services.Append(Service("svc-" + i.ToString(CultureInfo.InvariantCulture)));
        }

        File.WriteAllText(Path.Combine(folder, "services.yaml"), services.ToString());
    }

    /// <summary>One Service and its EndpointSlice, as YAML documents.</summary>
    public static string Service(string name) => $"""
        ---
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: bench{"}"}
        spec:
          type: LoadBalancer
          selector: {"{"}app: {name}{"}"}
          ports: [{"{"}port: 80{"}"}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: {name}-x, namespace: bench, labels: {"{"}kubernetes.io/service-name: {name}{"}"}{"}"}
        addressType: IPv4
        endpoints: [{"{"}addresses: [192.0.2.101], conditions: {"{"}ready: true{"}"}, nodeName: node1{"}"}]

        """;
}
