using System.Text.Json.Nodes;

namespace IronLb.Core.Configuration;

/// <summary>Maps metallb.io manifests onto the model, field by field, as MetalLB's CRDs define them.</summary>
internal static class MetalLbObjectReader
{
    public static IpAddressPool ReadIpAddressPool(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        var allocation = r.Object(spec, "spec", "serviceAllocation");
        const string allocationPath = "spec.serviceAllocation";
        return new IpAddressPool
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new IpAddressPoolSpec
            {
                Addresses = r.StringList(spec, "spec", "addresses"),
                AutoAssign = r.Bool(spec, "spec", "autoAssign") ?? true,
                AvoidBuggyIps = r.Bool(spec, "spec", "avoidBuggyIPs") ?? false,
                ServiceAllocation = allocation is null ? null : new ServiceAllocation
                {
                    Priority = (int?)r.Integer(allocation, allocationPath, "priority", int.MinValue, int.MaxValue),
                    Namespaces = r.StringList(allocation, allocationPath, "namespaces"),
                    NamespaceSelectors = r.Selectors(allocation, allocationPath, "namespaceSelectors"),
                    ServiceSelectors = r.Selectors(allocation, allocationPath, "serviceSelectors"),
                },
            },
        };
    }

    public static L2Advertisement ReadL2Advertisement(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        return new L2Advertisement
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new L2AdvertisementSpec
            {
                IpAddressPools = r.StringList(spec, "spec", "ipAddressPools"),
                IpAddressPoolSelectors = r.Selectors(spec, "spec", "ipAddressPoolSelectors"),
                NodeSelectors = r.Selectors(spec, "spec", "nodeSelectors"),
                Interfaces = r.StringList(spec, "spec", "interfaces"),
                ServiceSelectors = r.Selectors(spec, "spec", "serviceSelectors"),
            },
        };
    }

    public static BgpAdvertisement ReadBgpAdvertisement(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        return new BgpAdvertisement
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new BgpAdvertisementSpec
            {
                // Ranges are the validator's business (it names the rule); here only the type is checked.
                AggregationLength = (int?)r.Integer(spec, "spec", "aggregationLength", int.MinValue, int.MaxValue) ?? 32,
                AggregationLengthV6 = (int?)r.Integer(spec, "spec", "aggregationLengthV6", int.MinValue, int.MaxValue) ?? 128,
                LocalPref = (uint?)r.Integer(spec, "spec", "localPref", 0, uint.MaxValue),
                Communities = r.StringList(spec, "spec", "communities"),
                IpAddressPools = r.StringList(spec, "spec", "ipAddressPools"),
                IpAddressPoolSelectors = r.Selectors(spec, "spec", "ipAddressPoolSelectors"),
                NodeSelectors = r.Selectors(spec, "spec", "nodeSelectors"),
                Peers = r.StringList(spec, "spec", "peers"),
                ServiceSelectors = r.Selectors(spec, "spec", "serviceSelectors"),
            },
        };
    }

    public static BgpPeer ReadBgpPeer(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        var common = new BgpPeerSpec
        {
            MyAsn = (uint?)r.Integer(spec, "spec", "myASN", 0, uint.MaxValue) ?? 0,
            PeerAsn = (uint?)r.Integer(spec, "spec", "peerASN", 0, uint.MaxValue) ?? 0,
            PeerAddress = r.String(spec, "spec", "peerAddress"),
            SourceAddress = r.String(spec, "spec", "sourceAddress"),
            PeerPort = (int?)r.Integer(spec, "spec", "peerPort", int.MinValue, int.MaxValue) ?? BgpPeerSpec.DefaultPeerPort,
            HoldTime = r.Duration(spec, "spec", "holdTime"),
            KeepaliveTime = r.Duration(spec, "spec", "keepaliveTime"),
            RouterId = r.String(spec, "spec", "routerID"),
            NodeSelectors = r.Selectors(spec, "spec", "nodeSelectors"),
            Password = r.String(spec, "spec", "password"),
            BfdProfile = r.String(spec, "spec", "bfdProfile"),
            EbgpMultiHop = r.Bool(spec, "spec", "ebgpMultiHop") ?? false,
        };

        // v1beta1 has none of the later fields; the API server would prune them, so they are not read.
        // Its peerPort was a plain uint16 with omitempty, so 0 meant "not set": MetalLB then dials 179.
        var full = header.ApiVersion != ApiVersions.MetalLbV1Beta2
            ? common with { PeerPort = common.PeerPort == 0 ? BgpPeerSpec.DefaultPeerPort : common.PeerPort }
            : common with
        {
            DynamicAsn = r.String(spec, "spec", "dynamicASN"),
            Interface = r.String(spec, "spec", "interface"),
            ConnectTime = r.Duration(spec, "spec", "connectTime"),
            PasswordSecret = ReadSecretReference(r.Object(spec, "spec", "passwordSecret"), r),
            EnableGracefulRestart = r.Bool(spec, "spec", "enableGracefulRestart") ?? false,
            Vrf = r.String(spec, "spec", "vrf"),
            DisableMp = r.Bool(spec, "spec", "disableMP") ?? false,
            DualStackAddressFamily = r.Bool(spec, "spec", "dualStackAddressFamily") ?? false,
            LocalAsn = (uint?)r.Integer(spec, "spec", "localASN", 0, uint.MaxValue) ?? 0,
        };
        return new BgpPeer { ApiVersion = header.ApiVersion, Metadata = header.Metadata, SourceFile = header.File, Spec = full };
    }

    public static BfdProfile ReadBfdProfile(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        return new BfdProfile
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new BfdProfileSpec
            {
                ReceiveInterval = (uint?)r.Integer(spec, "spec", "receiveInterval", 0, uint.MaxValue),
                TransmitInterval = (uint?)r.Integer(spec, "spec", "transmitInterval", 0, uint.MaxValue),
                DetectMultiplier = (uint?)r.Integer(spec, "spec", "detectMultiplier", 0, uint.MaxValue),
                EchoInterval = (uint?)r.Integer(spec, "spec", "echoInterval", 0, uint.MaxValue),
                EchoMode = r.Bool(spec, "spec", "echoMode"),
                PassiveMode = r.Bool(spec, "spec", "passiveMode"),
                MinimumTtl = (uint?)r.Integer(spec, "spec", "minimumTtl", 0, uint.MaxValue),
            },
        };
    }

    public static Community ReadCommunity(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        return new Community
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new CommunitySpec
            {
                Communities = ValueList.From(r.ObjectList(spec, "spec", "communities").Select(alias => new CommunityAlias
                {
                    Name = r.String(alias.Item, alias.Path, "name") ?? "",
                    Value = r.String(alias.Item, alias.Path, "value") ?? "",
                })),
            },
        };
    }

    private static SecretReference? ReadSecretReference(JsonObject? reference, FieldReader r) =>
        reference is null ? null : new SecretReference
        {
            Name = r.String(reference, "spec.passwordSecret", "name") ?? "",
            Namespace = r.String(reference, "spec.passwordSecret", "namespace") ?? "",
        };
}
