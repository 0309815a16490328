using IronLb.Core.Configuration;
using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Tests.Planning;

public class NamespaceSelectorTests
{
    [Fact]
    public void Plan_NamespaceObjectsInFolder_NamespaceSelectorsMatchTheirLabels()
    {
        var loaded = ManifestLoader.Parse("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: team-a, namespace: metallb-system}
            spec:
              addresses: [198.51.100.0/30]
              serviceAllocation:
                priority: 1
                namespaceSelectors: [{matchLabels: {team: a}}]
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: general, namespace: metallb-system}
            spec:
              addresses: [203.0.113.0/30]
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: a}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: other}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: other}
            spec: {type: LoadBalancer, ports: [{port: 80}]}
            """, "namespaces.yaml");
        Assert.Empty(loaded.Errors);

        var plans = AllocationPlanner.Plan(loaded.Configuration).ToDictionary(p => p.Namespace);

        Assert.Equal(("team-a", "198.51.100.0"), (plans["shop"].Pool, plans["shop"].Addresses.Single()));
        Assert.Equal(("general", "203.0.113.0"), (plans["other"].Pool, plans["other"].Addresses.Single()));
        Assert.Equal(["other", "shop"], loaded.Configuration.Namespaces.Select(n => n.Name).Order());
    }
}
