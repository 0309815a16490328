using System.Globalization;

namespace IronLb.Core.Configuration;

/// <summary>Rules about BGPPeers: ASNs, addresses, timers, passwords and what they refer to.</summary>
internal static class PeerRules
{
    private const uint MaxTwoOctetAsn = 65535;
    private const int MaxPeerPort = 16384; // MetalLB's CRD bound, odd as it is.
    private static readonly TimeSpan MinimumHoldTime = TimeSpan.FromSeconds(3);

    public static void Check(ValidationContext context)
    {
        var bfdProfiles = context.Configuration.BfdProfiles.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var peer in context.Configuration.BgpPeers)
        {
            var spec = peer.Spec;
            CheckAsns(context, peer);
            CheckAddresses(context, peer);
            CheckTimers(context, peer);

            var minimumPort = peer.ApiVersion == ApiVersions.MetalLbV1Beta1 ? 0 : 1;
            if (spec.PeerPort < minimumPort || spec.PeerPort > MaxPeerPort)
            {
                context.Report(peer, $"spec.peerPort: {spec.PeerPort.ToString(CultureInfo.InvariantCulture)} is out of range {minimumPort.ToString(CultureInfo.InvariantCulture)}..{MaxPeerPort.ToString(CultureInfo.InvariantCulture)}");
            }

            if (!string.IsNullOrEmpty(spec.BfdProfile) && !bfdProfiles.Contains(spec.BfdProfile))
            {
                context.Report(peer, $"spec.bfdProfile: BFDProfile \"{spec.BfdProfile}\" does not exist");
            }

            WarnNotActedOn(context, peer);

            CheckPassword(context, peer);
        }
    }

    private static void CheckAsns(ValidationContext context, BgpPeer peer)
    {
        var spec = peer.Spec;
        if (spec.MyAsn == 0)
        {
            context.Report(peer, "spec.myASN: missing local ASN");
        }

        var hasDynamic = !string.IsNullOrEmpty(spec.DynamicAsn);
        if (spec.PeerAsn == 0 && !hasDynamic)
        {
            context.Report(peer, "spec.peerASN: missing peer ASN and dynamicASN (exactly one is required)");
        }
        else if (spec.PeerAsn != 0 && hasDynamic)
        {
            context.Report(peer, "spec.peerASN: both peerASN and dynamicASN are set (exactly one is allowed)");
        }

        if (hasDynamic && spec.DynamicAsn is not ("internal" or "external"))
        {
            context.Report(peer, $"spec.dynamicASN: \"{spec.DynamicAsn}\" is invalid (expected internal or external)");
        }

        // v1beta1's CRD limited both ASNs to two octets; four-octet ASNs (RFC 6793) came with v1beta2.
        if (peer.ApiVersion == ApiVersions.MetalLbV1Beta1)
        {
            if (spec.MyAsn > MaxTwoOctetAsn)
            {
                context.Report(peer, $"spec.myASN: {spec.MyAsn.ToString(CultureInfo.InvariantCulture)} needs metallb.io/v1beta2 (v1beta1 allows 0..65535)");
            }

            if (spec.PeerAsn > MaxTwoOctetAsn)
            {
                context.Report(peer, $"spec.peerASN: {spec.PeerAsn.ToString(CultureInfo.InvariantCulture)} needs metallb.io/v1beta2 (v1beta1 allows 0..65535)");
            }
        }

        var internalPeer = (spec.PeerAsn != 0 && spec.PeerAsn == spec.MyAsn) || spec.DynamicAsn == "internal";
        if (spec.EbgpMultiHop && internalPeer)
        {
            context.Report(peer, "spec.ebgpMultiHop: set on an iBGP peer (peer ASN equals my ASN); it applies to eBGP only");
        }
    }

    private static void CheckAddresses(ValidationContext context, BgpPeer peer)
    {
        var spec = peer.Spec;
        var hasAddress = !string.IsNullOrEmpty(spec.PeerAddress);
        var hasInterface = !string.IsNullOrEmpty(spec.Interface);
        if (!hasAddress && !hasInterface)
        {
            context.Report(peer, peer.ApiVersion == ApiVersions.MetalLbV1Beta2
                ? "spec.peerAddress: one of peerAddress or interface is required"
                : "spec.peerAddress: is required");
        }
        else if (hasAddress && hasInterface)
        {
            context.Report(peer, "spec.peerAddress: peerAddress and interface are mutually exclusive");
        }
        else if (hasInterface)
        {
            // MetalLB's FRR finds an unnumbered peer's link-local address from its IPv6 Router Advertisements and
            // sends IPv4 routes with IPv6 next hops (RFC 8950); IronLB does neither, so it refuses rather than
            // accepting a peer it would never open a session to.
            context.Report(peer, $"spec.interface: unnumbered BGP (a session to \"{spec.Interface}\" over IPv6 link-local addresses, RFC 8950 next hops) is not supported by IronLB; name the router in spec.peerAddress instead");
        }

        if (hasAddress && !IpAddressRange.TryParseAddress(spec.PeerAddress!, out _, out _))
        {
            context.Report(peer, $"spec.peerAddress: invalid BGPPeer address \"{spec.PeerAddress}\"");
        }

        if (!string.IsNullOrEmpty(spec.SourceAddress) && !IpAddressRange.TryParseAddress(spec.SourceAddress, out _, out _))
        {
            context.Report(peer, $"spec.sourceAddress: invalid source IP \"{spec.SourceAddress}\"");
        }

        // The BGP Identifier is a four-octet value written as an IPv4 address (RFC 4271 §4.2, RFC 6286 §2.1).
        if (!string.IsNullOrEmpty(spec.RouterId)
            && !(IpAddressRange.TryParseAddress(spec.RouterId, out var family, out _) && family == IpFamily.IPv4))
        {
            context.Report(peer, $"spec.routerID: invalid router ID \"{spec.RouterId}\" (expected an IPv4 address)");
        }
    }

    // MetalLB derives the missing timer from the other (keepalive = hold / 3, RFC 4271 §10's suggestion)
    // and then checks the pair; a hold time of 0 turns keepalives off and is allowed (RFC 4271 §4.2).
    private static void CheckTimers(ValidationContext context, BgpPeer peer)
    {
        var spec = peer.Spec;
        if (spec.HoldTime is not null || spec.KeepaliveTime is not null)
        {
            var hold = spec.HoldTime ?? spec.KeepaliveTime!.Value * 3;
            var keepalive = spec.KeepaliveTime ?? spec.HoldTime!.Value / 3;
            var wholeSeconds = TimeSpan.FromSeconds(Math.Truncate(hold.TotalSeconds));
            if (wholeSeconds != TimeSpan.Zero && wholeSeconds < MinimumHoldTime)
            {
                context.Report(peer, $"spec.holdTime: invalid hold time \"{KubernetesDuration.Format(hold)}\": must be 0 or >=3s");
            }

            if (keepalive > hold)
            {
                context.Report(peer, $"spec.keepaliveTime: invalid keepaliveTime \"{KubernetesDuration.Format(keepalive)}\": must be lower than holdTime \"{KubernetesDuration.Format(hold)}\"");
            }
        }

        if (spec.ConnectTime is { } connect)
        {
            if (connect < TimeSpan.FromSeconds(1) || connect > TimeSpan.FromSeconds(65535))
            {
                context.Report(peer, $"spec.connectTime: \"{KubernetesDuration.Format(connect)}\" must be between 1s and 65535s");
            }
            else if (connect.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                context.Report(peer, $"spec.connectTime: \"{KubernetesDuration.Format(connect)}\" must be a whole number of seconds");
            }
        }
    }

    private static void CheckPassword(ValidationContext context, BgpPeer peer)
    {
        var spec = peer.Spec;
        if (spec.PasswordSecret is not { } reference)
        {
            return;
        }

        if (!string.IsNullOrEmpty(spec.Password) && reference.Name.Length > 0)
        {
            context.Report(peer, "spec.password: password and passwordSecret are mutually exclusive");
        }

        var secrets = context.Configuration.Secrets;
        if (reference.Name.Length == 0)
        {
            context.Report(peer, "spec.passwordSecret.name: is required");
            return;
        }

        // A manifests folder without any Secret is taken to keep secrets elsewhere, so an absent one is not an error then.
        if (secrets.Count == 0)
        {
            return;
        }

        var secretNamespace = reference.Namespace.Length > 0 ? reference.Namespace : peer.Namespace;
        var secret = secrets.FirstOrDefault(s => s.Name == reference.Name && s.Namespace == secretNamespace);
        if (secret is null)
        {
            context.Report(peer, $"spec.passwordSecret: Secret {secretNamespace}/{reference.Name} does not exist");
            return;
        }

        if (secret.Type != Secret.BasicAuthType)
        {
            context.Report(peer, $"spec.passwordSecret: Secret {secretNamespace}/{reference.Name} has type \"{secret.Type}\", expected \"{Secret.BasicAuthType}\"");
        }

        if (!secret.HasKey("password"))
        {
            context.Report(peer, $"spec.passwordSecret: Secret {secretNamespace}/{reference.Name} has no \"password\" key");
        }
    }

    // Accepted, but not done as MetalLB does it: said at validation rather than discovered later.
    private static void WarnNotActedOn(ValidationContext context, BgpPeer peer)
    {
        var spec = peer.Spec;
        if (spec.DisableMp)
        {
            context.Warn(peer, "spec.disableMP: not acted on (MetalLB deprecates it for dualStackAddressFamily); each session carries its own address family, and the other one only with dualStackAddressFamily");
        }

        if (!string.IsNullOrEmpty(spec.Vrf))
        {
            context.Warn(peer, $"spec.vrf: the session is opened from inside VRF \"{spec.Vrf}\" (SO_BINDTODEVICE), but a connection the router opens inside the VRF is not accepted{(string.IsNullOrEmpty(spec.BfdProfile) ? "" : ", and spec.bfdProfile is not run there")}");
        }
    }
}
