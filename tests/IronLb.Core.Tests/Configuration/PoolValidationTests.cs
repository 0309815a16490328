using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class PoolValidationTests
{
    private static string PoolYaml(string name, params string[] addresses) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: { name: {{name}} }
        spec:
          addresses: [{{string.Join(", ", addresses.Select(a => $"\"{a}\""))}}]
        """;

    private static string[] Messages(params string[] documents) =>
        TestManifests.Validate(TestManifests.Documents(documents)).Select(e => e.ToString()).ToArray();

    [Fact]
    public void Validate_DisjointPools_HasNoErrors() =>
        Assert.Empty(Messages(PoolYaml("a", "203.0.113.0/27", "2001:db8:1:20::/64"), PoolYaml("b", "203.0.113.32-203.0.113.40")));

    [Fact]
    public void Validate_InvalidCidrSyntax_ReportsEntry() =>
        Assert.Equal(["test.yaml: IPAddressPool/a: spec.addresses: invalid CIDR \"203.0.113.0/40\""], Messages(PoolYaml("a", "203.0.113.0/40")));

    [Fact]
    public void Validate_RangeStartAfterEnd_ReportsEntry() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: spec.addresses: invalid IP range \"198.51.100.9-198.51.100.1\": start IP \"198.51.100.9\" is after the end IP \"198.51.100.1\""],
            Messages(PoolYaml("a", "198.51.100.9-198.51.100.1")));

    [Fact]
    public void Validate_MixedFamilyRange_ReportsEntry() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: spec.addresses: invalid IP range \"198.51.100.1-2001:db8::1\": start and end are of different address families"],
            Messages(PoolYaml("a", "198.51.100.1-2001:db8::1")));

    [Fact]
    public void Validate_PoolWithoutAddresses_IsAnError() =>
        Assert.Equal(["test.yaml: IPAddressPool/a: spec.addresses: pool has no addresses"], Messages(PoolYaml("a")));

    [Fact]
    public void Validate_OverlapWithinPool_ReportsSecondEntry() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: spec.addresses: \"203.0.113.16-203.0.113.20\" overlaps with another entry of this pool"],
            Messages(PoolYaml("a", "203.0.113.0/27", "203.0.113.16-203.0.113.20")));

    [Fact]
    public void Validate_OverlapAcrossPools_NamesTheOtherPoolAndFile() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/b: spec.addresses: \"2001:db8:1:20::/120\" overlaps with \"2001:db8:1:20::/64\" in IPAddressPool/a (test.yaml)"],
            Messages(PoolYaml("a", "2001:db8:1:20::/64"), PoolYaml("b", "2001:db8:1:20::/120")));

    [Fact]
    public void Validate_PoolContainingANodeAddress_IsAnError() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: spec.addresses: \"192.0.2.0/28\" contains the address 192.0.2.11 of Node/node-a"],
            Messages(PoolYaml("a", "192.0.2.0/28"), "apiVersion: v1\nkind: Node\nmetadata: { name: node-a }\nstatus: { addresses: [{ type: InternalIP, address: 192.0.2.11 }] }"));

    [Fact]
    public void Validate_RepeatedNamespaceInServiceAllocation_IsAnError() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: spec.serviceAllocation.namespaces: duplicate entry \"team-a\""],
            Messages("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: { name: a }
                spec:
                  addresses: [203.0.113.0/27]
                  serviceAllocation: { namespaces: [team-a, team-a] }
                """));

    [Fact]
    public void Validate_MalformedSelectorRequirement_IsAnError() =>
        Assert.Equal(
            [
                "test.yaml: IPAddressPool/a: spec.serviceAllocation.serviceSelectors[0].matchExpressions[0]: invalid label selector: unknown operator \"Equals\" on key \"app\" (expected In, NotIn, Exists or DoesNotExist)",
                "test.yaml: IPAddressPool/a: spec.serviceAllocation.serviceSelectors[0].matchExpressions[1]: invalid label selector: operator In on key \"tier\" needs at least one value",
                "test.yaml: IPAddressPool/a: spec.serviceAllocation.serviceSelectors[0].matchExpressions[2]: invalid label selector: operator Exists on key \"zone\" takes no values",
            ],
            Messages("""
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata: { name: a }
                spec:
                  addresses: [203.0.113.0/27]
                  serviceAllocation:
                    serviceSelectors:
                      - matchExpressions:
                          - { key: app, operator: Equals, values: [web] }
                          - { key: tier, operator: In }
                          - { key: zone, operator: Exists, values: [a] }
                """));

    [Fact]
    public void Validate_DuplicatePoolName_NamesTheFirstDefinition() =>
        Assert.Equal(
            ["test.yaml: IPAddressPool/a: duplicate IPAddressPool name \"a\" (already defined in test.yaml)"],
            Messages(PoolYaml("a", "203.0.113.0/28"), PoolYaml("a", "203.0.113.16/28")));
}
