using Dapr;
using Dapr.Client;
using Grpc.Core;
using IronLb.Core.SharedConfiguration;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr;

/// <summary>Which Dapr secret store holds the BGP password Secrets; bound from the configuration section "Dapr".</summary>
public sealed class DaprSecretOptions
{
    /// <summary>
    /// Name of the secret store component. Default "kubernetes": the store daprd provides on its own in a cluster,
    /// reading Secrets through the Kubernetes API (restrict it with the Configuration's secret scopes).
    /// </summary>
    public string SecretStoreName { get; set; } = "kubernetes";
}

/// <summary>Reads BGP passwords through the Dapr secrets API: the Secret named by a BGPPeer's passwordSecret, key "password".</summary>
/// <remarks>
/// The Secret's namespace goes in the request metadata as "namespace", which secretstores.kubernetes honours and
/// file or environment stores ignore. A clear-text spec.password is never shared between services, so it has no
/// place to be read from here.
/// </remarks>
internal sealed class DaprPeerPasswordSource(DaprClient client, IOptions<DaprSecretOptions> options) : IPeerPasswordSource
{
    // Passwords change only through the store; the bgp agent re-reads them on its own schedule.
    public event Action? Changed
    {
        add { }
        remove { }
    }

    public async Task<PeerPasswordLookup> LookupAsync(PeerPasswordReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.IsInline)
        {
            return PeerPasswordLookup.Missing(
                "is given in clear, which separate services never share: put it in a Secret (type kubernetes.io/basic-auth, key \"password\") and set spec.passwordSecret");
        }

        var store = options.Value.SecretStoreName;
        Dictionary<string, string> secret;
        try
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["namespace"] = reference.SecretNamespace ?? string.Empty };
            secret = await client.GetSecretAsync(store, reference.SecretName!, metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException exception) when (!cancellationToken.IsCancellationRequested)
        {
            var status = (exception.InnerException as RpcException)?.StatusCode;
            var problem = $"could not be read from secret store \"{store}\" ({status?.ToString() ?? exception.GetType().Name})";

            // Denied by the secret scopes, or an unknown store: asking again will not help until someone changes the setup.
            return status is StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.FailedPrecondition
                ? PeerPasswordLookup.Missing(problem)
                : PeerPasswordLookup.Unreachable(problem);
        }

        return secret.TryGetValue(PeerPasswordReference.SecretKey, out var password) && password.Length > 0
            ? PeerPasswordLookup.Found(password)
            : PeerPasswordLookup.Missing($"has no \"{PeerPasswordReference.SecretKey}\" key in secret store \"{store}\"");
    }
}
