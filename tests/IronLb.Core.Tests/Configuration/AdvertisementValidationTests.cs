using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class AdvertisementValidationTests
{
    private const string V6Pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: { name: pool-v6 }
        spec: { addresses: ["2001:db8:1:20::/64"] }
        """;

    private static string PeerNamed(string name) => TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1", name: name);

    private static string Node(string name, string zone) => $"apiVersion: v1\nkind: Node\nmetadata: {{ name: {name}, labels: {{ zone: {zone} }} }}";

    private static string[] Messages(params string[] documents) =>
        TestManifests.Validate(TestManifests.Documents(documents)).Select(e => e.ToString()).ToArray();

    [Fact]
    public void Validate_AdvertisementsReferringToExistingObjects_AreValid() =>
        Assert.Empty(Messages(TestManifests.Pool, PeerNamed("peer-a"), TestManifests.BgpAdvertisement("ipAddressPools: [pool-a]\npeers: [peer-a]\naggregationLength: 27")));

    [Fact]
    public void Validate_L2AdvertisementWithUnknownPool_IsAnError() =>
        Assert.Equal(
            ["test.yaml: L2Advertisement/l2: spec.ipAddressPools: IPAddressPool \"nope\" does not exist"],
            Messages(TestManifests.Pool, "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: l2 }\nspec: { ipAddressPools: [pool-a, nope] }"));

    [Fact]
    public void Validate_BgpAdvertisementWithUnknownPoolAndPeer_ReportsBoth() =>
        Assert.Equal(
            [
                "test.yaml: BGPAdvertisement/adv-a: spec.ipAddressPools: IPAddressPool \"nope\" does not exist",
                "test.yaml: BGPAdvertisement/adv-a: spec.peers: BGPPeer \"ghost\" does not exist",
            ],
            Messages(TestManifests.Pool, TestManifests.BgpAdvertisement("ipAddressPools: [nope]\npeers: [ghost]")));

    [Theory]
    [InlineData("aggregationLength: 33", "spec.aggregationLength: 33 is out of range 1..32")]
    [InlineData("aggregationLength: 0", "spec.aggregationLength: 0 is out of range 1..32")]
    [InlineData("aggregationLengthV6: 129", "spec.aggregationLengthV6: 129 is out of range 0..128")]
    [InlineData("aggregationLengthV6: -1", "spec.aggregationLengthV6: -1 is out of range 0..128")]
    public void Validate_AggregationLengthOutOfRange_IsAnError(string field, string message) =>
        Assert.Equal([$"test.yaml: BGPAdvertisement/adv-a: {message}"], Messages(TestManifests.BgpAdvertisement(field)));

    [Fact]
    public void Validate_AggregationShorterThanPoolPrefix_IsAnError() =>
        Assert.Equal(
            [
                "test.yaml: BGPAdvertisement/adv-a: spec.aggregationLength: 24 is shorter than prefix length 27 of \"203.0.113.0/27\" in IPAddressPool/pool-a",
                "test.yaml: BGPAdvertisement/adv-a: spec.aggregationLengthV6: 48 is shorter than prefix length 64 of \"2001:db8:1:20::/64\" in IPAddressPool/pool-v6",
            ],
            Messages(TestManifests.Pool, V6Pool, TestManifests.BgpAdvertisement("aggregationLength: 24\naggregationLengthV6: 48")));

    [Fact]
    public void Validate_AggregationOfRangePool_UsesWidestPrefixInsideTheRange()
    {
        // 198.51.100.64-198.51.100.127 is exactly a /26, so /26 aggregation is allowed and /25 is not.
        const string RangePool = "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: { name: r }\nspec: { addresses: [198.51.100.64-198.51.100.127] }";

        Assert.Empty(Messages(RangePool, TestManifests.BgpAdvertisement("aggregationLength: 26")));
        Assert.Equal(
            ["test.yaml: BGPAdvertisement/adv-a: spec.aggregationLength: 25 is shorter than prefix length 26 of \"198.51.100.64-198.51.100.127\" in IPAddressPool/r"],
            Messages(RangePool, TestManifests.BgpAdvertisement("aggregationLength: 25")));
    }

    [Fact]
    public void Validate_ConflictingLocalPrefsForSamePool_IsAnError() =>
        Assert.Equal(
            ["test.yaml: BGPAdvertisement/adv-b: spec.localPref: 200 conflicts with localPref 100 of BGPAdvertisement/adv-a for IPAddressPool/pool-a (same aggregation length, peers and nodes)"],
            Messages(
                TestManifests.Pool,
                TestManifests.BgpAdvertisement("localPref: 100", "adv-a"),
                TestManifests.BgpAdvertisement("ipAddressPools: [pool-a]\nlocalPref: 200", "adv-b")));

    [Theory]
    [InlineData("aggregationLength: 28\naggregationLengthV6: 120")]
    [InlineData("peers: [peer-b]")]
    [InlineData("nodeSelectors: [{ matchLabels: { zone: b } }]")]
    public void Validate_DifferentLocalPrefsForDistinctRoutes_AreValid(string difference) =>
        Assert.Empty(Messages(
            TestManifests.Pool,
            PeerNamed("peer-a"),
            PeerNamed("peer-b"),
            Node("node-a", "a"),
            Node("node-b", "b"),
            TestManifests.BgpAdvertisement("localPref: 100\npeers: [peer-a]\nnodeSelectors: [{ matchLabels: { zone: a } }]", "adv-a"),
            TestManifests.BgpAdvertisement("localPref: 200\n" + difference, "adv-b")));

    [Theory]
    [InlineData("64500:100")]
    [InlineData("large:64500:1:2")]
    [InlineData("no-advertise")]
    public void Validate_CommunityValueOrAlias_IsValid(string community) =>
        Assert.Empty(Messages(
            "apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: { name: c }\nspec: { communities: [{ name: no-advertise, value: \"65535:65282\" }] }",
            TestManifests.BgpAdvertisement($"communities: [\"{community}\"]")));

    [Theory]
    [InlineData("70000:1", "invalid community value \"70000:1\" (\"ASN:VALUE\" takes 16-bit parts, \"large:A:B:C\" 32-bit parts)")]
    [InlineData("huge:1:2:3", "invalid community value \"huge:1:2:3\" (\"ASN:VALUE\" takes 16-bit parts, \"large:A:B:C\" 32-bit parts)")]
    [InlineData("no-such-alias", "\"no-such-alias\" is neither a community (\"ASN:VALUE\" or \"large:A:B:C\") nor a defined Community alias")]
    public void Validate_BadCommunity_IsAnError(string community, string message) =>
        Assert.Equal([$"test.yaml: BGPAdvertisement/adv-a: spec.communities: {message}"], Messages(TestManifests.BgpAdvertisement($"communities: [\"{community}\"]")));

    [Fact]
    public void Validate_RepeatedEntriesInAdvertisementLists_AreErrors() =>
        Assert.Equal(
            [
                "test.yaml: BGPAdvertisement/adv-a: spec.ipAddressPools: duplicate entry \"pool-a\"",
                "test.yaml: BGPAdvertisement/adv-a: spec.communities: duplicate entry \"64500:1\"",
            ],
            Messages(TestManifests.Pool, TestManifests.BgpAdvertisement("ipAddressPools: [pool-a, pool-a]\ncommunities: [\"64500:1\", \"64500:1\"]")));

    [Fact]
    public void Validate_Ipv6PoolToPeerWithBfdEcho_IsAnError() =>
        Assert.Equal(
            ["test.yaml: BGPAdvertisement/adv-a: advertises an IPv6 pool to BGPPeer/peer-a, whose BFDProfile \"echo\" enables echo mode, which IPv6 does not support"],
            Messages(
                V6Pool,
                "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: { name: echo }\nspec: { echoMode: true }",
                TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 2001:db8:1::1\nbfdProfile: echo"),
                TestManifests.BgpAdvertisement("ipAddressPools: [pool-v6]")));

    [Theory]
    [InlineData("aggregationLength: 28", "spec.serviceSelectors and spec.aggregationLength are mutually exclusive (aggregationLength must stay 32)")]
    [InlineData("aggregationLengthV6: 64", "spec.serviceSelectors and spec.aggregationLengthV6 are mutually exclusive (aggregationLengthV6 must stay 128)")]
    public void Validate_ServiceSelectorsWithAggregation_IsAnError(string aggregation, string message) =>
        Assert.Equal(
            ["test.yaml: BGPAdvertisement/adv-a: " + message],
            Messages(TestManifests.Pool, V6Pool, TestManifests.BgpAdvertisement("serviceSelectors: [{ matchLabels: { tier: gold } }]\n" + aggregation)));

    [Fact]
    public void Validate_ServiceSelectorsWithDefaultAggregation_IsValid() =>
        Assert.Empty(Messages(TestManifests.Pool, TestManifests.BgpAdvertisement("serviceSelectors: [{ matchLabels: { tier: gold } }]\naggregationLength: 32")));

    [Fact]
    public void Validate_DuplicateServiceSelector_IsAnError() =>
        Assert.Equal(
            ["test.yaml: L2Advertisement/l2: spec.serviceSelectors[1]: duplicate label selector {tier=gold}"],
            Messages(TestManifests.Pool, "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: l2 }\nspec: { serviceSelectors: [{ matchLabels: { tier: gold } }, { matchLabels: { tier: gold } }] }"));

    [Fact]
    public void Validate_DifferentLocalPrefsWhereOneSelectsServices_AreValid() =>
        // MetalLB's documented example: a second advertisement raises localPref for the Services it selects.
        Assert.Empty(Messages(
            TestManifests.Pool,
            TestManifests.BgpAdvertisement("localPref: 100", "adv-a"),
            TestManifests.BgpAdvertisement("localPref: 200\nserviceSelectors: [{ matchLabels: { tier: gold } }]", "adv-b")));

    [Fact]
    public void Validate_DifferentLocalPrefsDifferingOnlyInTheOtherFamilysAggregation_IsAnError() =>
        // pool-a is IPv4 only: a different aggregationLengthV6 makes no different route, so the localPrefs collide.
        Assert.Single(Messages(
            TestManifests.Pool,
            TestManifests.BgpAdvertisement("localPref: 100", "adv-a"),
            TestManifests.BgpAdvertisement("localPref: 200\naggregationLengthV6: 120", "adv-b")));

    [Fact]
    public void Validate_DifferentLocalPrefsWithAnotherIpv4Aggregation_IsValidForAnIpv4Pool() =>
        // MetalLB counts only the families a pool holds: for an IPv4 pool a different aggregationLength is enough.
        Assert.Empty(Messages(
            TestManifests.Pool,
            TestManifests.BgpAdvertisement("localPref: 100", "adv-a"),
            TestManifests.BgpAdvertisement("localPref: 200\naggregationLength: 31", "adv-b")));
}
