using System.Globalization;

namespace IronLb.Testing;

/// <summary>Manifests the namespace labs share: one pool with its L2Advertisement, and a Service "shop/web" with ready endpoints.</summary>
public static class LabManifests
{
    /// <summary>IPAddressPool "lab" with <paramref name="addresses"/> and an L2Advertisement for it, limited to <paramref name="interfaces"/> when any.</summary>
    public static string Layer2Pool(string[] addresses, params string[] interfaces) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: lab, namespace: metallb-system}
        spec:
          addresses: [{{string.Join(", ", addresses)}}]
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: lab, namespace: metallb-system}
        spec:
          ipAddressPools: [lab]
          interfaces: [{{string.Join(", ", interfaces)}}]
        ---

        """.Replace("  interfaces: []\n", string.Empty, StringComparison.Ordinal);

    /// <summary>Service shop/web of type LoadBalancer (RequireDualStack when asked) with one ready endpoint on each of <paramref name="nodes"/>.</summary>
    public static string WebService(bool dualStack, params string[] nodes) => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: LoadBalancer
          ipFamilyPolicy: {{(dualStack ? "RequireDualStack" : "SingleStack")}}
          ipFamilies: [{{(dualStack ? "IPv4, IPv6" : "IPv4")}}]
          selector: {app: web}
          ports: [{name: http, port: 80, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web} }
        addressType: IPv4
        endpoints:

        """ + string.Concat(nodes.Select((node, i) => string.Create(CultureInfo.InvariantCulture, $"  - addresses: [192.0.2.{50 + i}]\n    conditions: {{ready: true}}\n    nodeName: {node}\n")));
}
