using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ManifestLoaderClusterObjectTests
{
    [Fact]
    public void Parse_ServiceWithEveryField_ReadsEveryField()
    {
        var service = Assert.Single(TestManifests.Load("""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              labels: { app: web }
              annotations:
                metallb.io/loadBalancerIPs: 203.0.113.5
                metallb.io/allow-shared-ip: web
            spec:
              type: LoadBalancer
              loadBalancerIP: 203.0.113.5
              loadBalancerClass: ironlb.io/lb
              ipFamilyPolicy: PreferDualStack
              ipFamilies: [IPv4, IPv6]
              externalTrafficPolicy: Local
              selector: { app: web }
              ports:
                - { name: http, port: 80 }
                - { name: dns, protocol: UDP, port: 53 }
            status:
              loadBalancer:
                ingress:
                  - ip: 203.0.113.5
                    ipMode: VIP
            """).Services);

        var spec = service.Spec;
        Assert.Equal(("web", "shop"), (service.Name, service.Namespace));
        Assert.Equal("203.0.113.5", service.Metadata.Annotations["metallb.io/loadBalancerIPs"]);
        Assert.Equal(("LoadBalancer", "203.0.113.5", "ironlb.io/lb"), (spec.Type, spec.LoadBalancerIp, spec.LoadBalancerClass));
        Assert.Equal("PreferDualStack", spec.IpFamilyPolicy);
        Assert.Equal(["IPv4", "IPv6"], spec.IpFamilies);
        Assert.Equal("Local", spec.ExternalTrafficPolicy);
        Assert.Equal("web", spec.Selector["app"]);
        Assert.Equal(
            [new ServicePort { Name = "http", Protocol = "TCP", Port = 80 }, new ServicePort { Name = "dns", Protocol = "UDP", Port = 53 }],
            spec.Ports);
        Assert.Equal(new LoadBalancerIngress { Ip = "203.0.113.5", IpMode = "VIP" }, Assert.Single(service.Status.LoadBalancerIngress));
    }

    [Fact]
    public void Parse_ServiceWithoutNamespaceOrPolicy_AppliesKubernetesDefaults()
    {
        var service = Assert.Single(TestManifests.Load("""
            apiVersion: v1
            kind: Service
            metadata: { name: web }
            spec:
              ports: [{ port: 80 }]
            """).Services);

        Assert.Equal("default", service.Namespace);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal("Cluster", service.Spec.ExternalTrafficPolicy);
        Assert.Equal("TCP", Assert.Single(service.Spec.Ports).Protocol);
        Assert.Empty(service.Status.LoadBalancerIngress);
    }

    [Fact]
    public void Parse_Node_ReadsLabelsConditionsAndAddresses()
    {
        var node = Assert.Single(TestManifests.Load("""
            apiVersion: v1
            kind: Node
            metadata:
              name: node-a
              labels:
                node.kubernetes.io/exclude-from-external-load-balancers: ""
            status:
              addresses: [{ type: InternalIP, address: 192.0.2.11 }]
              conditions:
                - { type: NetworkUnavailable, status: "True" }
                - { type: Ready, status: "False" }
            """).Nodes);

        Assert.Equal("", node.Namespace);
        Assert.True(node.ExcludedFromExternalLoadBalancers);
        Assert.True(node.IsNetworkUnavailable);
        Assert.False(node.IsReady);
        Assert.Equal(new NodeAddress { Type = "InternalIP", Address = "192.0.2.11" }, Assert.Single(node.Addresses));
    }

    [Fact]
    public void Parse_EndpointSlice_ReadsServiceNameAndEndpoints()
    {
        var slice = Assert.Single(TestManifests.Load("""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: ingress-abc
              namespace: infra
              labels: { kubernetes.io/service-name: ingress }
            addressType: IPv4
            endpoints:
              - { addresses: [192.0.2.101], conditions: { ready: true }, nodeName: node-a }
              - { addresses: [192.0.2.102], conditions: { ready: false }, nodeName: node-b }
              - { addresses: [192.0.2.103], nodeName: node-c }
              - { addresses: [192.0.2.104], conditions: { ready: false, serving: true, terminating: true } }
            """).EndpointSlices);

        Assert.Equal("ingress", slice.ServiceName);
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal([true, false, true, false], slice.Endpoints.Select(e => e.IsReady));
        Assert.Equal([true, false, true, true], slice.Endpoints.Select(e => e.CanServe));
        Assert.Null(slice.Endpoints[2].Ready);
        Assert.Equal(["node-a", "node-b", "node-c", null], slice.Endpoints.Select(e => e.NodeName));
        Assert.Equal(["192.0.2.101"], slice.Endpoints[0].Addresses);
    }

    [Fact]
    public void Parse_Secret_ReadsTypeDataAndStringData()
    {
        var secret = Assert.Single(TestManifests.Load("""
            apiVersion: v1
            kind: Secret
            metadata: { name: bgp-auth, namespace: metallb-system }
            type: kubernetes.io/basic-auth
            data:
              password: c2VjcmV0
            stringData:
              username: admin
            """).Secrets);

        Assert.Equal("kubernetes.io/basic-auth", secret.Type);
        Assert.True(secret.HasKey("password"));
        Assert.Equal("secret", secret.GetValue("password"));
        Assert.Equal("admin", secret.GetValue("username"));
        Assert.Null(secret.GetValue("missing"));
    }
}
