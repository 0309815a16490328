using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ManifestLoaderMetalLbTests
{
    [Fact]
    public void Parse_IpAddressPoolWithEveryField_ReadsEveryField()
    {
        var configuration = TestManifests.Load("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: team-a
              namespace: metallb-system
              labels: { exposure: internal }
              annotations: { note: "kept" }
            spec:
              addresses: [198.51.100.64-198.51.100.127, 2001:db8:1:20::/64]
              autoAssign: false
              avoidBuggyIPs: true
              serviceAllocation:
                priority: 10
                namespaces: [team-a, team-b]
                namespaceSelectors:
                  - matchLabels: { tenant: a }
                serviceSelectors:
                  - matchExpressions:
                      - { key: app, operator: In, values: [shop] }
            """, "pools.yaml");

        var pool = Assert.Single(configuration.IpAddressPools);
        Assert.Equal("IPAddressPool", pool.Kind);
        Assert.Equal("metallb.io/v1beta1", pool.ApiVersion);
        Assert.Equal("pools.yaml", pool.SourceFile);
        Assert.Equal(("team-a", "metallb-system"), (pool.Name, pool.Namespace));
        Assert.Equal("internal", pool.Metadata.Labels["exposure"]);
        Assert.Equal("kept", pool.Metadata.Annotations["note"]);
        Assert.Equal(["198.51.100.64-198.51.100.127", "2001:db8:1:20::/64"], pool.Spec.Addresses);
        Assert.False(pool.Spec.AutoAssign);
        Assert.True(pool.Spec.AvoidBuggyIps);
        var allocation = Assert.IsType<ServiceAllocation>(pool.Spec.ServiceAllocation);
        Assert.Equal(10, allocation.Priority);
        Assert.Equal(["team-a", "team-b"], allocation.Namespaces);
        Assert.Equal("a", Assert.Single(allocation.NamespaceSelectors).MatchLabels["tenant"]);
        var requirement = Assert.Single(Assert.Single(allocation.ServiceSelectors).MatchExpressions);
        Assert.Equal(("app", "In"), (requirement.Key, requirement.Operator));
        Assert.Equal(["shop"], requirement.Values);
    }

    [Fact]
    public void Parse_IpAddressPoolWithoutOptionalFields_AppliesMetalLbDefaults()
    {
        var pool = Assert.Single(TestManifests.Load(TestManifests.Pool).IpAddressPools);

        Assert.True(pool.Spec.AutoAssign);
        Assert.False(pool.Spec.AvoidBuggyIps);
        Assert.Null(pool.Spec.ServiceAllocation);
    }

    [Fact]
    public void Parse_L2Advertisement_ReadsPoolsSelectorsAndInterfaces()
    {
        var adv = Assert.Single(TestManifests.Load("""
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: { name: l2 }
            spec:
              ipAddressPools: [pool-a]
              ipAddressPoolSelectors: [{ matchLabels: { exposure: lan } }]
              nodeSelectors: [{ matchLabels: { zone: a } }]
              interfaces: [eth0, eth1]
            """).L2Advertisements);

        Assert.Equal("default", adv.Namespace);
        Assert.Equal(["pool-a"], adv.Spec.IpAddressPools);
        Assert.Equal("lan", Assert.Single(adv.Spec.IpAddressPoolSelectors).MatchLabels["exposure"]);
        Assert.Equal("a", Assert.Single(adv.Spec.NodeSelectors).MatchLabels["zone"]);
        Assert.Equal(["eth0", "eth1"], adv.Spec.Interfaces);
    }

    [Fact]
    public void Parse_BgpAdvertisementWithEveryField_ReadsEveryField()
    {
        var adv = Assert.Single(TestManifests.Load(TestManifests.BgpAdvertisement("""
            aggregationLength: 24
            aggregationLengthV6: 64
            localPref: 150
            communities: ["64500:100", "large:64500:1:2", no-export]
            ipAddressPools: [pool-a]
            ipAddressPoolSelectors: [{ matchLabels: { exposure: public } }]
            nodeSelectors: [{ matchLabels: { rack: r1 } }]
            peers: [peer-a]
            """)).BgpAdvertisements);

        Assert.Equal((24, 64, 150u), (adv.Spec.AggregationLength, adv.Spec.AggregationLengthV6, adv.Spec.LocalPref));
        Assert.Equal(["64500:100", "large:64500:1:2", "no-export"], adv.Spec.Communities);
        Assert.Equal(["pool-a"], adv.Spec.IpAddressPools);
        Assert.Single(adv.Spec.IpAddressPoolSelectors);
        Assert.Single(adv.Spec.NodeSelectors);
        Assert.Equal(["peer-a"], adv.Spec.Peers);
    }

    [Fact]
    public void Parse_BgpAdvertisementWithoutOptionalFields_AppliesMetalLbDefaults()
    {
        var adv = Assert.Single(TestManifests.Load(TestManifests.BgpAdvertisement("ipAddressPools: [pool-a]")).BgpAdvertisements);

        Assert.Equal(32, adv.Spec.AggregationLength);
        Assert.Equal(128, adv.Spec.AggregationLengthV6);
        Assert.Null(adv.Spec.LocalPref);
    }

    [Fact]
    public void Parse_BgpPeerV1Beta2WithEveryField_ReadsEveryField()
    {
        var peer = Assert.Single(TestManifests.Load(TestManifests.Peer("""
            myASN: 4200000000
            dynamicASN: external
            peerAddress: 2001:db8:1::1
            interface: eth1
            sourceAddress: 2001:db8:1::10
            peerPort: 1790
            holdTime: 1m30s
            keepaliveTime: 30s
            connectTime: 5s
            routerID: 192.0.2.10
            nodeSelectors: [{ matchLabels: { rack: r1 } }]
            password: s3cret
            passwordSecret: { name: bgp-auth, namespace: metallb-system }
            bfdProfile: fast
            ebgpMultiHop: true
            vrf: red
            enableGracefulRestart: true
            disableMP: true
            dualStackAddressFamily: true
            localASN: 64999
            """)).BgpPeers);

        var spec = peer.Spec;
        Assert.Equal("metallb.io/v1beta2", peer.ApiVersion);
        Assert.Equal((4200000000u, 0u, "external"), (spec.MyAsn, spec.PeerAsn, spec.DynamicAsn));
        Assert.Equal(("2001:db8:1::1", "eth1", "2001:db8:1::10"), (spec.PeerAddress, spec.Interface, spec.SourceAddress));
        Assert.Equal(1790, spec.PeerPort);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.HoldTime);
        Assert.Equal(TimeSpan.FromSeconds(30), spec.KeepaliveTime);
        Assert.Equal(TimeSpan.FromSeconds(5), spec.ConnectTime);
        Assert.Equal("192.0.2.10", spec.RouterId);
        Assert.Single(spec.NodeSelectors);
        Assert.Equal("s3cret", spec.Password);
        Assert.Equal(new SecretReference { Name = "bgp-auth", Namespace = "metallb-system" }, spec.PasswordSecret);
        Assert.Equal("fast", spec.BfdProfile);
        Assert.True(spec.EbgpMultiHop);
        Assert.Equal("red", spec.Vrf);
        Assert.True(spec.EnableGracefulRestart && spec.DisableMp && spec.DualStackAddressFamily);
        Assert.Equal(64999u, spec.LocalAsn);
    }

    [Fact]
    public void Parse_AdvertisementServiceSelectors_ReadForBothKinds()
    {
        var configuration = TestManifests.Load(TestManifests.Documents(
            TestManifests.BgpAdvertisement("serviceSelectors: [{ matchLabels: { tier: gold } }]"),
            "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: l2 }\nspec: { serviceSelectors: [{ matchExpressions: [{ key: tier, operator: Exists }] }] }"));

        Assert.Equal("gold", Assert.Single(Assert.Single(configuration.BgpAdvertisements).Spec.ServiceSelectors).MatchLabels["tier"]);
        Assert.Equal("tier", Assert.Single(Assert.Single(Assert.Single(configuration.L2Advertisements).Spec.ServiceSelectors).MatchExpressions).Key);
    }

    [Fact]
    public void Parse_BgpPeerV1Beta1_ReadsV1Beta1FieldsAndIgnoresLaterOnes()
    {
        var peer = Assert.Single(TestManifests.Load(TestManifests.Peer("""
            myASN: 64500
            peerASN: 64501
            peerAddress: 192.0.2.1
            holdTime: 90s
            ebgpMultiHop: true
            vrf: red
            passwordSecret: { name: ignored }
            """, version: "v1beta1")).BgpPeers);

        Assert.Equal("metallb.io/v1beta1", peer.ApiVersion);
        Assert.Equal((64500u, 64501u, "192.0.2.1"), (peer.Spec.MyAsn, peer.Spec.PeerAsn, peer.Spec.PeerAddress));
        Assert.Equal(TimeSpan.FromSeconds(90), peer.Spec.HoldTime);
        Assert.True(peer.Spec.EbgpMultiHop);
        Assert.Null(peer.Spec.Vrf);
        Assert.Null(peer.Spec.PasswordSecret);
        Assert.Equal(179, peer.Spec.PeerPort);
    }

    [Theory]
    [InlineData("v1beta1", 179)]
    [InlineData("v1beta2", 0)]
    public void Parse_BgpPeerPortZero_MeansDefaultOnlyInV1Beta1(string version, int expected)
    {
        var peer = Assert.Single(TestManifests.Load(TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1\npeerPort: 0", version)).BgpPeers);

        Assert.Equal(expected, peer.Spec.PeerPort);
    }

    [Fact]
    public void Parse_BfdProfileWithEveryField_ReadsEveryField()
    {
        var profile = Assert.Single(TestManifests.Load("""
            apiVersion: metallb.io/v1beta1
            kind: BFDProfile
            metadata: { name: fast }
            spec:
              receiveInterval: 100
              transmitInterval: 150
              detectMultiplier: 4
              echoInterval: 60
              echoMode: true
              passiveMode: true
              minimumTtl: 250
            """).BfdProfiles);

        var spec = profile.Spec;
        Assert.Equal((100u, 150u, 4u, 60u, 250u), (spec.ReceiveInterval, spec.TransmitInterval, spec.DetectMultiplier, spec.EchoInterval, spec.MinimumTtl));
        Assert.Equal((true, true), (spec.EchoMode, spec.PassiveMode));
    }

    [Fact]
    public void Parse_Community_ReadsAliases()
    {
        var community = Assert.Single(TestManifests.Load("""
            apiVersion: metallb.io/v1beta1
            kind: Community
            metadata: { name: communities }
            spec:
              communities:
                - { name: no-advertise, value: "65535:65282" }
                - { name: big, value: "large:64500:1:2" }
            """).Communities);

        Assert.Equal(
            [new CommunityAlias { Name = "no-advertise", Value = "65535:65282" }, new CommunityAlias { Name = "big", Value = "large:64500:1:2" }],
            community.Spec.Communities);
    }

    [Fact]
    public void Parse_V1Beta1PeerWithLaterFields_LaterFieldsWarnedAsIgnored()
    {
        var result = ManifestLoader.Parse(TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1\nvrf: red", "v1beta1"), "peer.yaml");

        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("peer.yaml: BGPPeer/peer-a: spec.vrf: not a field IronLB reads for metallb.io/v1beta1 BGPPeer; it is ignored", warning.ToString());
    }

    [Fact]
    public void Parse_EveryFieldIronLbReads_NoWarnings() =>
        Assert.Empty(ManifestLoader.Parse(TestManifests.Documents(
            TestManifests.Pool,
            TestManifests.BgpAdvertisement("aggregationLength: 32\nlocalPref: 10\ncommunities: [\"64500:1\"]\npeers: [p]\nnodeSelectors: [{ matchLabels: { a: b } }]\nserviceSelectors: [{ matchExpressions: [{ key: k, operator: Exists }] }]")), "ok.yaml").Warnings);

    [Fact]
    public void Parse_MetalLbKindIronLbDoesNotRead_WarnedAsIgnored()
    {
        var result = ManifestLoader.Parse(
            """
            apiVersion: metallb.io/v1beta1
            kind: AddressPool
            metadata: {name: legacy, namespace: metallb-system}
            spec: {protocol: layer2, addresses: [203.0.113.0/28]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: unrelated}
            """,
            "old.yaml");

        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("old.yaml: AddressPool/legacy: metallb.io/v1beta1 AddressPool is not a kind IronLB reads; it is ignored", warning.ToString());
    }
}
