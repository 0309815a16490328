using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class PeerValidationTests
{
    private const string Valid = "myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1";

    private static string[] Messages(string spec, string version = "v1beta2", params string[] more) =>
        TestManifests.Validate(TestManifests.Documents([TestManifests.Peer(spec, version), .. more])).Select(e => e.Message).ToArray();

    private static string Secret(string type, string data) =>
        $"apiVersion: v1\nkind: Secret\nmetadata: {{ name: bgp-auth, namespace: metallb-system }}\ntype: {type}\nstringData: {{ {data} }}";

    [Theory]
    [InlineData("v1beta1")]
    [InlineData("v1beta2")]
    public void Validate_ValidPeer_HasNoErrors(string version) =>
        Assert.Empty(Messages(Valid + "\nholdTime: 90s\nkeepaliveTime: 30s\nsourceAddress: 192.0.2.10\nrouterID: 192.0.2.10", version));

    [Fact]
    public void Validate_MissingMyAsn_IsAnError() =>
        Assert.Equal(["spec.myASN: missing local ASN"], Messages("peerASN: 64501\npeerAddress: 192.0.2.1"));

    [Fact]
    public void Validate_NeitherPeerAsnNorDynamicAsn_IsAnError() =>
        Assert.Equal(["spec.peerASN: missing peer ASN and dynamicASN (exactly one is required)"], Messages("myASN: 64500\npeerAddress: 192.0.2.1"));

    [Fact]
    public void Validate_BothPeerAsnAndDynamicAsn_IsAnError() =>
        Assert.Equal(["spec.peerASN: both peerASN and dynamicASN are set (exactly one is allowed)"], Messages(Valid + "\ndynamicASN: external"));

    [Fact]
    public void Validate_DynamicAsnNotInternalOrExternal_IsAnError() =>
        Assert.Equal(["spec.dynamicASN: \"sideways\" is invalid (expected internal or external)"], Messages("myASN: 64500\ndynamicASN: sideways\npeerAddress: 192.0.2.1"));

    [Fact]
    public void Validate_FourOctetAsnInV1Beta1_IsAnError() =>
        Assert.Equal(["spec.peerASN: 4200000000 needs metallb.io/v1beta2 (v1beta1 allows 0..65535)"], Messages("myASN: 64500\npeerASN: 4200000000\npeerAddress: 192.0.2.1", "v1beta1"));

    [Theory]
    [InlineData("myASN: 64500\npeerASN: 64500\npeerAddress: 192.0.2.1\nebgpMultiHop: true")]
    [InlineData("myASN: 64500\ndynamicASN: internal\npeerAddress: 192.0.2.1\nebgpMultiHop: true")]
    public void Validate_EbgpMultiHopOnIbgpPeer_IsAnError(string spec) =>
        Assert.Equal(["spec.ebgpMultiHop: set on an iBGP peer (peer ASN equals my ASN); it applies to eBGP only"], Messages(spec));

    [Fact]
    public void Validate_InvalidPeerAddress_IsAnError() =>
        Assert.Equal(["spec.peerAddress: invalid BGPPeer address \"192.0.2\""], Messages("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2"));

    [Fact]
    public void Validate_NoPeerAddressOrInterface_IsAnError() =>
        Assert.Equal(["spec.peerAddress: one of peerAddress or interface is required"], Messages("myASN: 64500\npeerASN: 64501"));

    [Fact]
    public void Validate_PeerAddressAndInterface_AreMutuallyExclusive() =>
        Assert.Equal(["spec.peerAddress: peerAddress and interface are mutually exclusive"], Messages(Valid + "\ninterface: eth1"));

    [Fact]
    public void Validate_InvalidSourceAddress_IsAnError() =>
        Assert.Equal(["spec.sourceAddress: invalid source IP \"node-a\""], Messages(Valid + "\nsourceAddress: node-a"));

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("10.0.0")]
    public void Validate_RouterIdNotIpv4_IsAnError(string routerId) =>
        Assert.Equal([$"spec.routerID: invalid router ID \"{routerId}\" (expected an IPv4 address)"], Messages(Valid + $"\nrouterID: \"{routerId}\""));

    [Theory]
    [InlineData("v1beta2", 0, "0 is out of range 1..16384")]
    [InlineData("v1beta2", 16385, "16385 is out of range 1..16384")]
    [InlineData("v1beta1", -1, "-1 is out of range 0..16384")]
    public void Validate_PeerPortOutOfRange_IsAnError(string version, int port, string message) =>
        Assert.Equal([$"spec.peerPort: {message}"], Messages(Valid + $"\npeerPort: {port}", version));

    [Theory]
    [InlineData("holdTime: 2s", "spec.holdTime: invalid hold time \"2s\": must be 0 or >=3s")]
    [InlineData("keepaliveTime: 500ms", "spec.holdTime: invalid hold time \"1.5s\": must be 0 or >=3s")]
    [InlineData("holdTime: 3s\nkeepaliveTime: 5s", "spec.keepaliveTime: invalid keepaliveTime \"5s\": must be lower than holdTime \"3s\"")]
    [InlineData("holdTime: 0s\nkeepaliveTime: 1s", "spec.keepaliveTime: invalid keepaliveTime \"1s\": must be lower than holdTime \"0s\"")]
    public void Validate_BadTimers_AreErrors(string timers, string message) =>
        Assert.Equal([message], Messages(Valid + "\n" + timers));

    [Theory]
    [InlineData("holdTime: 0s")]
    [InlineData("holdTime: 3s")]
    [InlineData("holdTime: 3.9s")]
    [InlineData("keepaliveTime: 1s")]
    public void Validate_AcceptableTimers_AreValid(string timers) =>
        Assert.Empty(Messages(Valid + "\n" + timers));

    [Theory]
    [InlineData("500ms", "spec.connectTime: \"500ms\" must be between 1s and 65535s")]
    [InlineData("20h", "spec.connectTime: \"20h0m0s\" must be between 1s and 65535s")]
    [InlineData("1500ms", "spec.connectTime: \"1.5s\" must be a whole number of seconds")]
    public void Validate_BadConnectTime_IsAnError(string connectTime, string message) =>
        Assert.Equal([message], Messages(Valid + $"\nconnectTime: {connectTime}"));

    [Fact]
    public void Validate_PasswordAndPasswordSecret_AreMutuallyExclusive() =>
        Assert.Equal(["spec.password: password and passwordSecret are mutually exclusive"], Messages(Valid + "\npassword: x\npasswordSecret: { name: bgp-auth }"));

    [Fact]
    public void Validate_PasswordSecretWithoutSecretsInFolder_IsAccepted() =>
        Assert.Empty(Messages(Valid + "\npasswordSecret: { name: bgp-auth }"));

    [Fact]
    public void Validate_PasswordSecretMissingWhileOthersExist_IsAnError() =>
        Assert.Equal(
            ["spec.passwordSecret: Secret metallb-system/bgp-auth does not exist"],
            Messages(Valid + "\npasswordSecret: { name: bgp-auth }", "v1beta2", Secret("kubernetes.io/basic-auth", "password: x").Replace("name: bgp-auth", "name: other", StringComparison.Ordinal)));

    [Fact]
    public void Validate_PasswordSecretWithoutPasswordKey_IsAnError() =>
        Assert.Equal(
            ["spec.passwordSecret: Secret metallb-system/bgp-auth has no \"password\" key"],
            Messages(Valid + "\npasswordSecret: { name: bgp-auth, namespace: metallb-system }", "v1beta2", Secret("kubernetes.io/basic-auth", "username: x")));

    [Fact]
    public void Validate_PasswordSecretOfWrongType_IsAnError() =>
        Assert.Equal(
            ["spec.passwordSecret: Secret metallb-system/bgp-auth has type \"Opaque\", expected \"kubernetes.io/basic-auth\""],
            Messages(Valid + "\npasswordSecret: { name: bgp-auth }", "v1beta2", Secret("Opaque", "password: x")));

    [Fact]
    public void Validate_PasswordSecretPresentAndWellFormed_IsValid() =>
        Assert.Empty(Messages(Valid + "\npasswordSecret: { name: bgp-auth }", "v1beta2", Secret("kubernetes.io/basic-auth", "password: x")));

    [Fact]
    public void Validate_UnknownBfdProfile_IsAnError() =>
        Assert.Equal(["spec.bfdProfile: BFDProfile \"fast\" does not exist"], Messages(Valid + "\nbfdProfile: fast"));

    [Fact]
    public void Validate_EveryPeerProblem_IsReportedAtOnce() =>
        Assert.Equal(
            [
                "spec.myASN: missing local ASN",
                "spec.peerASN: missing peer ASN and dynamicASN (exactly one is required)",
                "spec.peerAddress: invalid BGPPeer address \"nowhere\"",
                "spec.holdTime: invalid hold time \"1s\": must be 0 or >=3s",
                "spec.bfdProfile: BFDProfile \"none\" does not exist",
            ],
            Messages("peerAddress: nowhere\nholdTime: 1s\nbfdProfile: none"));

    [Fact]
    public void Validate_UnnumberedInterfacePeer_RejectedWithTheReason() =>
        Assert.Equal(
            ["spec.interface: unnumbered BGP (a session to \"eth1\" over IPv6 link-local addresses, RFC 8950 next hops) is not supported by IronLB; name the router in spec.peerAddress instead"],
            Messages("myASN: 64500\npeerASN: 64501\ninterface: eth1"));
}
