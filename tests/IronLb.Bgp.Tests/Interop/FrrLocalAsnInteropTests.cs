using System.Net;
using IronLb.Bgp.Announcements;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using IronLb.Core.Configuration;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>BGPPeer localASN from manifest to wire: FRR configured for the local ASN sees it in OPEN and AS_PATH, never myASN.</summary>
[Collection(Lab.Collection)]
public sealed class FrrLocalAsnInteropTests
{
    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64999
         neighbor {Lab.NodeV4(1)} timers connect 1

        """;

    private static readonly string Manifests = $$"""
        apiVersion: v1
        kind: Node
        metadata: {name: node1}
        status: {addresses: [{type: InternalIP, address: {{Lab.NodeV4(1)}}}]}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: tor, namespace: metallb-system}
        spec: {myASN: 64501, localASN: 64999, peerASN: {{Lab.RouterAsn}}, peerAddress: {{Lab.RouterV4}}, holdTime: 9s, connectTime: 1s}
        """;

    [LabFact]
    public async Task LocalAsn_FromTheManifest_FrrSeesItAsOurAs()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(Config);
        var peer = Assert.Single(NodePeers.For("node1", ManifestLoader.Parse(Manifests, "peer.yaml").Configuration, out var problems));
        Assert.Empty(problems);
        await using var node = new NodeSpeaker(lab, 1);
        node.Speaker.SetAnnouncements([new PeerAnnouncement(new Announcement(IPNetwork.Parse("203.0.113.80/32"), RouteAttributes.Default), [])]);
        await node.Speaker.SetPeersAsync([peer], cts.Token);

        await node.Speaker.Peer(IPAddress.Parse(Lab.RouterV4))!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => lab.BgpPaths("ipv4", "203.0.113.80/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
        Assert.Equal("64999", lab.BgpPaths("ipv4", "203.0.113.80/32")[0]!["aspath"]?["string"]?.GetValue<string>());
        Assert.Equal(64999, lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)]?["remoteAs"]?.GetValue<int>());
    }
}
